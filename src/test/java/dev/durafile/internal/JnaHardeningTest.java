package dev.durafile.internal;

/** The hardening contract on the jna backend. */
class JnaHardeningTest extends HardeningContract {
    @Override
    String backend() {
        return "jna";
    }
}
