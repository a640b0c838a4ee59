/** A modular application that uses autotls as the README shows: only the exported packages. */
module app {
    requires dev.autotls;
}
