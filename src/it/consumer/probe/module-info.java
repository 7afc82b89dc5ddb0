/** A module that tries to use durafile's internals: compiling it must fail. */
module example.probe {
    requires dev.durafile;
}
