package dev.autotls.cli;

import dev.autotls.Setting;
import dev.autotls.internal.cli.AcmeDnsCommand;
import dev.autotls.internal.cli.DoctorCommand;
import dev.autotls.internal.cli.ExportRootCommand;
import dev.autotls.internal.cli.MigrateStorageCommand;
import dev.autotls.internal.cli.RecordsCommand;
import dev.autotls.internal.cli.ServeCommand;
import dev.autotls.internal.cli.SettingOptions;
import dev.autotls.internal.cli.TrustCommand;
import dev.autotls.internal.cli.UntrustCommand;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * {@code java [-Dautotls.*=...] -jar autotls.jar <command> [--setting=value...]}. Settings come
 * from the command's options, system properties and {@code AUTOTLS_*} environment variables, in
 * that order, exactly as for an application (where the options are not there).
 */
@Command(name = "java -jar autotls.jar", mixinStandardHelpOptions = true, version = "autotls 0.1.0",
        description = "Self-configuring, self-renewing HTTPS for Jetty 12.",
        subcommands = {ServeCommand.class, AcmeDnsCommand.class, RecordsCommand.class, DoctorCommand.class,
                MigrateStorageCommand.class, TrustCommand.class, UntrustCommand.class, ExportRootCommand.class,
                HelpCommand.class},
        footer = {"%n'java -jar autotls.jar help COMMAND' (or COMMAND --help) shows a command's options."})
public final class Main implements Callable<Integer> {
    /** picocli's exit code for a usage error, also when no command is given. */
    static final int USAGE_ERROR = 2;

    @Spec
    CommandSpec spec;


    /** Picocli makes the one instance; the entry point is {@link #main}. */
    Main() {
    }

    public static void main(String[] args) {
        loggingDefaults();
        System.exit(run(args));
    }

    /**
     * The bundled slf4j-simple: timestamps on every line, and INFO only from this library, whose
     * lines are about the certificates; acme4j's retries ("Bad Replay Nonce, trying again"), the
     * connection pool's, the Public Suffix List's and Jetty's start lines are noise to an operator. Each default gives way to
     * the operator's own {@code -Dorg.slf4j.simpleLogger.*}.
     */
    static void loggingDefaults() {
        defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        defaultProperty("org.slf4j.simpleLogger.log.org.shredzone.acme4j", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.crawlercommons", "warn"); // five lines on loading the Public Suffix List
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs a command and returns its exit code (for tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** A command's {@code --help} text, exactly as printed (for tests that keep it and the README in step). */
    public static String help(String command) {
        return commandLine().getSubcommands().get(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** The command line with every setting as an option of the commands that read settings. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        SettingOptions.addTo(cli.getSubcommands().get("serve").getCommandSpec());
        SettingOptions.addTo(cli.getSubcommands().get("records").getCommandSpec());
        SettingOptions.addTo(cli.getSubcommands().get("doctor").getCommandSpec());
        AcmeDnsCommand.describeIn(cli.getSubcommands().get("acme-dns").getCommandSpec());
        for (String localRoot : new String[] {"trust", "untrust", "export-root"}) { // the same storage settings as serve
            SettingOptions.addTo(cli.getSubcommands().get(localRoot).getCommandSpec());
        }
        SettingOptions.describeIn(cli.getSubcommands().get("migrate-storage").getCommandSpec(),
                Setting.STORAGE_PASSWORD, Setting.STORAGE_KEY);
        cli.setParameterExceptionHandler(Main::wrongArguments);
        return cli;
    }

    /**
     * picocli's one sentence, the option or command most likely meant, a hint for -D given after -jar,
     * and where the help is; not the whole usage.
     */
    private static int wrongArguments(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(e.getMessage());
        if (e instanceof UnmatchedArgumentException unmatched) {
            didYouMean(unmatched).ifPresent(err::println);
            for (String argument : unmatched.getUnmatched()) {
                if (argument.startsWith("-D")) {
                    err.println(systemPropertyHint(argument, command.getCommandSpec().parent() == null
                            ? "COMMAND" : command.getCommandSpec().name()));
                }
            }
        }
        err.println("'" + command.getCommandSpec().qualifiedName() + " --help' lists the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * {@code Did you mean --domains=x?} for {@code --domain=x}: picocli's nearest names, given the value
     * that was typed, so the line can be copied. Empty for -D (the next hint covers it) or when nothing is near.
     */
    static java.util.Optional<String> didYouMean(UnmatchedArgumentException unmatched) {
        List<String> typed = unmatched.getUnmatched();
        List<String> near = unmatched.getSuggestions();
        if (typed.isEmpty() || near.isEmpty() || typed.get(0).startsWith("-D")) {
            return java.util.Optional.empty();
        }
        String first = typed.get(0);
        int equals = first.indexOf('=');
        String value = first.startsWith("--") && equals > 0 ? first.substring(equals) : "";
        List<String> candidates = near.stream().limit(3).map(name -> name.startsWith("-") ? name + value : name).toList();
        return java.util.Optional.of("Did you mean " + String.join(" or ", candidates) + "?");
    }

    /** One line: java reads -D only before -jar; an autotls setting may also be written as the command's option. */
    static String systemPropertyHint(String argument, String command) {
        String hint = argument + " comes after -jar, where java passes it on to autotls: put it before -jar (java "
                + argument + " -jar autotls.jar " + command + ")";
        if (argument.startsWith("-Dautotls.") && argument.length() > "-Dautotls.".length()) {
            hint += " or write it as --" + argument.substring("-Dautotls.".length());
        }
        return hint + ".";
    }

    /** No command: the usage on stderr, and the exit code of a usage error, so a script notices. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE_ERROR;
    }
}
