/**
 * Where jetty-home looks: JettyHomeModule, made by the module's etc/autotls.xml. It hands Jetty
 * properties to the builder and attaches autotls to the connectors jetty-home made.
 */
package dev.autotls.jetty;
