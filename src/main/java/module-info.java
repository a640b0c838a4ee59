/**
 * autotls: self-configuring, self-renewing HTTPS for embedded Jetty 12.
 *
 * <p>An application uses {@code dev.autotls} (the {@code AutoTls} builder and component, its
 * listener, events and status) and may implement {@code dev.autotls.spi} (a store, a
 * scheduler, a TXT publisher). {@code dev.autotls.acmedns} starts the built-in acme-dns
 * responder; {@code dev.autotls.cli}, {@code dev.autotls.jetty} and {@code dev.autotls.spring}
 * are where the command line, jetty-home and Spring Boot look; {@code dev.autotls.jmx} is for
 * Jetty's JMX only. Everything under {@code dev.autotls.internal} is the implementation and is
 * not exported: a modular application cannot reach it.
 *
 * <p>Optional features need their own jars, which a plain user does not inherit: the
 * PostgreSQL store ({@code org.postgresql.jdbc}, {@code com.zaxxer.hikari}), the responder's
 * SQLite database and config file ({@code org.xerial.sqlitejdbc},
 * {@code com.fasterxml.jackson.dataformat.toml}), metrics ({@code micrometer.core}), JMX
 * ({@code org.eclipse.jetty.jmx}), the command line ({@code info.picocli}) and the Spring Boot
 * integration. Choosing a feature without its jar is refused at start, naming what to add.
 */
module dev.autotls {
    requires transitive org.eclipse.jetty.server;
    requires org.eclipse.jetty.http2.server;
    requires org.eclipse.jetty.alpn.java.server;
    requires org.shredzone.acme4j;
    requires org.dnsjava;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires com.github.benmanes.caffeine;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // the Public Suffix List, for the registered domain of a CA's per-domain limit (named after its jar: it declares no module name)
    requires crawler.commons;
    requires java.net.http;
    requires java.sql;
    requires java.management;

    requires static org.eclipse.jetty.jmx;
    requires static org.postgresql.jdbc;
    requires static com.zaxxer.hikari;
    requires static org.xerial.sqlitejdbc;
    requires static com.fasterxml.jackson.dataformat.toml;
    requires static micrometer.core;
    requires static info.picocli;
    requires static spring.beans;
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
    requires static spring.boot.jetty;
    requires static spring.boot.web.server;
    requires static spring.context;
    requires static spring.core;

    exports dev.autotls;
    exports dev.autotls.spi;
    exports dev.autotls.acmedns;
    exports dev.autotls.jetty;
    exports dev.autotls.cli;
    exports dev.autotls.spring;
    // only Jetty's MBeanContainer finds and calls the JMX views
    exports dev.autotls.jmx to org.eclipse.jetty.jmx;
    exports dev.autotls.internal.ops.jmx to org.eclipse.jetty.jmx;
    opens dev.autotls.internal.ops to org.eclipse.jetty.jmx;

    // Spring creates the auto-configuration and its beans by reflection
    opens dev.autotls.spring to spring.core, spring.beans, spring.context;
    // picocli fills the commands' option fields by reflection
    opens dev.autotls.internal.cli to info.picocli;

    // acme4j finds the dns-persist-01 challenge through the service loader
    provides org.shredzone.acme4j.provider.ChallengeProvider
            with dev.autotls.internal.acme.DnsPersist01ChallengeProvider;
}
