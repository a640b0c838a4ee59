package dev.autotls.internal.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What keeps a PostgreSQL client working behind a connection pooler such as PgBouncer in
 * transaction pooling, where each transaction may run on another server connection and,
 * with PgBouncer's defaults, any start-up parameter it does not know is refused: nothing
 * is kept per session. Timeouts are set with {@code SET LOCAL} inside each transaction
 * ({@link #limit}) instead of {@code options=-c ...} at connection start, the driver makes
 * no server-side prepared statements and sends no session {@code SET} after connecting
 * ({@link #DRIVER_DEFAULTS}), and a refusal that only a pooler causes is explained in one
 * sentence ({@link #explain}).
 */
public final class PoolerSafe {
    /**
     * pgjdbc properties, none of them a start-up parameter: {@code prepareThreshold=0} keeps
     * every statement unnamed (a named one would live on one server connection only);
     * {@code assumeMinServerVersion=9.0} sends {@code application_name} and
     * {@code extra_float_digits} in the start-up packet, which PgBouncer accepts, instead of
     * session {@code SET}s after connecting.
     */
    public static final Map<String, String> DRIVER_DEFAULTS = Map.of("prepareThreshold", "0",
            "assumeMinServerVersion", "9.0");

    private static final Pattern STARTUP_PARAMETER = Pattern.compile("unsupported startup parameter:?\\s*(\\S*)");
    private static final Pattern PREPARED = Pattern.compile("prepared statement \"?([^\"\\s]*)\"? (does not exist|already exists)");

    private PoolerSafe() {
    }

    /**
     * Starts a transaction on {@code connection} (auto-commit off) and limits it: each statement
     * to {@code statementTimeout}, an idle moment inside it to {@code idleTimeout} (null: the
     * server's setting). Both end with the transaction, whichever server connection runs it.
     */
    public static void limit(Connection connection, Duration statementTimeout, Duration idleTimeout) throws SQLException {
        connection.setAutoCommit(false);
        StringBuilder sql = new StringBuilder();
        if (statementTimeout != null) {
            sql.append("SET LOCAL statement_timeout = ").append(statementTimeout.toMillis());
        }
        if (idleTimeout != null) {
            sql.append(sql.length() > 0 ? "; " : "").append("SET LOCAL idle_in_transaction_session_timeout = ")
                    .append(idleTimeout.toMillis());
        }
        if (sql.length() > 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql.toString()); // one round trip, sent with the transaction's BEGIN
            }
        }
    }

    /**
     * One sentence for an error only a connection pooler causes (a refused start-up parameter,
     * a server-side prepared statement that is gone), naming {@code hostPort} and what to
     * change in {@code setting}; empty for any other error.
     */
    public static Optional<String> explain(Throwable error, String hostPort, String setting) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message == null) {
                continue;
            }
            Matcher startup = STARTUP_PARAMETER.matcher(message);
            if (startup.find()) {
                String parameter = startup.group(1).isEmpty() ? "a start-up parameter" : "'" + startup.group(1) + "'";
                return Optional.of("PostgreSQL at " + hostPort + " refused the start-up parameter " + startup.group(1)
                        + ": a connection pooler (PgBouncer) in front of it refuses start-up parameters it does not know;"
                        + " remove " + parameter + " from " + setting
                        + ", or list it in the pooler's ignore_startup_parameters");
            }
            Matcher prepared = PREPARED.matcher(message);
            if (prepared.find()) {
                return Optional.of("PostgreSQL at " + hostPort + " refused the server-side prepared statement "
                        + prepared.group(1) + " (it " + prepared.group(2) + " there): a connection pooler (PgBouncer) in"
                        + " transaction pooling runs each transaction on whichever server connection is free, where a"
                        + " statement prepared on another is missing or taken; leave prepareThreshold at 0 (the default"
                        + " here) in " + setting + ", or use session pooling");
            }
        }
        return Optional.empty();
    }
}
