package dev.autotls.internal.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import dev.autotls.internal.postgres.PoolerSafe;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How the store connects: the pool's settings and single direct connections (the check at start,
 * the listening connection) with the same driver properties, so TLS ({@code sslmode},
 * {@code sslrootcert}, ...) and timeouts are the same whichever connection is made.
 */
final class PostgresConnections {
    /**
     * Up to 4 handshake loader threads (LoadedCertificates.LOADERS) may each hold one while a cold
     * start reads certificates; 4 more keep lease heartbeats, the store sync, the planner and an
     * order's writes going meanwhile. With 5, the loaders could leave one connection for all of those.
     */
    static final int POOL_SIZE = 8;

    private PostgresConnections() {
    }

    static HikariConfig poolConfig(PostgresLocation location) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("autotls-store");
        config.setJdbcUrl(location.jdbcUrl());
        config.setUsername(location.user());
        location.passwordValue().ifPresent(config::setPassword);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(-1); // an unreachable database at start is retried, not fatal
        config.setAutoCommit(true);
        Properties driver = driverProperties(location);
        driver.forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        return config;
    }

    static Properties driverProperties(PostgresLocation location) {
        Properties properties = new Properties();
        properties.putAll(location.parameters()); // sslmode, sslrootcert, ... as the URL says
        properties.putIfAbsent("connectTimeout", "5");
        properties.putIfAbsent("socketTimeout", "30");
        properties.putIfAbsent("ApplicationName", "autotls");
        PoolerSafe.DRIVER_DEFAULTS.forEach(properties::putIfAbsent); // the URL may turn prepared statements back on
        return properties;
    }

    /** One connection outside the pool, with the pool's driver properties plus {@code extra}. */
    static Connection direct(PostgresLocation location, Properties extra) throws SQLException {
        Properties properties = driverProperties(location);
        properties.putAll(extra);
        properties.setProperty("user", location.user());
        location.passwordValue().ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(location.jdbcUrl(), properties);
    }
}
