/** A modular application that tries to reach autotls's internals: it must not compile. */
module reaching {
    requires dev.autotls;
}
