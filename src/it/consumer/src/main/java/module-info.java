/** A user's module: it requires durafile and reaches only what durafile exports. */
module example.app {
    requires dev.durafile;
    requires com.fasterxml.jackson.databind;
}
