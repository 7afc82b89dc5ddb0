package dev.durafile.internal;

/** The transaction contract on the nio backend. */
class NioTransactionTest extends TransactionContract {
    @Override
    String backend() {
        return "nio";
    }
}
