package dev.durafile.internal;

/** The transaction contract on the jna backend. */
class JnaTransactionTest extends TransactionContract {
    @Override
    String backend() {
        return "jna";
    }
}
