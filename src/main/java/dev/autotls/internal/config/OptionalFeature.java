package dev.autotls.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A feature whose jars a plain user does not inherit (optional Maven dependencies). Choosing it
 * without them is refused at start, in one sentence that names the Maven coordinates (with the
 * version autotls is tested with) and, for the module path, the modules to require.
 */
public enum OptionalFeature {
    POSTGRESQL_STORE("the PostgreSQL store", Jar.POSTGRESQL, Jar.HIKARI),
    RESPONDER_SQLITE("the responder's SQLite database", Jar.SQLITE),
    RESPONDER_POSTGRESQL("the responder's PostgreSQL database", Jar.POSTGRESQL),
    RESPONDER_CONFIG_FILE("reading acme-dns's config file (TOML)", Jar.TOML);

    /** One optional jar: its coordinates, a class it always has, and its module name. */
    enum Jar {
        POSTGRESQL("org.postgresql:postgresql", "org.postgresql.Driver", "org.postgresql.jdbc"),
        HIKARI("com.zaxxer:HikariCP", "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari"),
        SQLITE("org.xerial:sqlite-jdbc", "org.sqlite.JDBC", "org.xerial.sqlitejdbc"),
        TOML("com.fasterxml.jackson.dataformat:jackson-dataformat-toml",
                "com.fasterxml.jackson.dataformat.toml.TomlMapper", "com.fasterxml.jackson.dataformat.toml");

        final String coordinates;
        final String probe;
        final String module;

        Jar(String coordinates, String probe, String module) {
            this.coordinates = coordinates;
            this.probe = probe;
            this.module = module;
        }
    }

    private static final Properties VERSIONS = versions();
    private final String what;
    private final List<Jar> jars;

    OptionalFeature(String what, Jar... jars) {
        this.what = what;
        this.jars = List.of(jars);
    }

    /**
     * Why {@code chosen} (the setting and value that chose this feature, as the user wrote it)
     * cannot work here, or empty when every jar it needs is present.
     */
    public Optional<String> missing(String chosen) {
        List<Jar> absent = jars.stream().filter(jar -> !present(jar.probe)).toList();
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        String coordinates = absent.stream().map(jar -> jar.coordinates + ":" + VERSIONS.getProperty(jar.coordinates, "VERSION"))
                .collect(Collectors.joining(" and "));
        String modules = absent.stream().map(jar -> "requires " + jar.module + ";").collect(Collectors.joining(" "));
        return Optional.of(chosen + ": " + what + " needs " + coordinates + ", which " + (absent.size() == 1 ? "is" : "are")
                + " not on the class path; add " + (absent.size() == 1 ? "it" : "them") + " to the application's "
                + "dependencies (on the module path, also " + modules + " in its module-info.java)");
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, OptionalFeature.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Properties versions() {
        Properties versions = new Properties();
        try (InputStream in = OptionalFeature.class.getResourceAsStream("optional-jars.properties")) {
            if (in != null) {
                versions.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }
}
