package dev.durafile.internal;

/** The hardening contract on the java.nio backend. */
class NioHardeningTest extends HardeningContract {
    @Override
    String backend() {
        return "nio";
    }
}
