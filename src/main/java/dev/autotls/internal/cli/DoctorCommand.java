package dev.autotls.internal.cli;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.ops.Doctor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code doctor}: checks, with the same settings as {@code serve}, everything serving depends on,
 * and prints one line per check on stdout ({@code ok}, {@code warn} or {@code fail} and what to
 * change). Never orders and never creates an account. Exit codes: {@link #NOTHING_FAILED},
 * {@link #SOMETHING_FAILED}, {@link #CONFIGURATION_ERROR}.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check, with the same settings as serve, the strategy and DNS records of each certificate, CAA, "
                + "the CA (directory, offers, clock), the storage, the site (when it runs here: each certificate's issuer, "
                + "expiry and next renewal) and the ports; one line per check: ok, warn or fail with what to change. "
                + "Never orders.",
        footer = {"%nExit codes: " + DoctorCommand.NOTHING_FAILED + " nothing failed, " + DoctorCommand.SOMETHING_FAILED
                + " a check failed, " + DoctorCommand.CONFIGURATION_ERROR + " a setting is wrong (nothing was checked)."})
public final class DoctorCommand implements Callable<Integer> {
    /** The exit codes, also in {@code --help}, which is made from these. */
    public static final int NOTHING_FAILED = 0;
    public static final int SOMETHING_FAILED = 1;
    public static final int CONFIGURATION_ERROR = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        AutoTls autoTls;
        try {
            autoTls = AutoTls.builder().commandLine(SettingOptions.given(spec, err)).build();
        } catch (ConfigurationException e) {
            err.println("autotls doctor: " + e.getMessage());
            err.flush();
            return CONFIGURATION_ERROR;
        }
        try {
            List<Doctor.Finding> findings = new Doctor(autoTls.getBean(Assembly.class)).examine();
            findings.forEach(finding -> out.println(finding.line()));
            out.flush();
            return Doctor.failed(findings) ? SOMETHING_FAILED : NOTHING_FAILED;
        } finally {
            autoTls.destroy();
        }
    }
}
