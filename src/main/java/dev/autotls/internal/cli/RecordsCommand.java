package dev.autotls.internal.cli;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.ops.Doctor;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code records [NAME...]}: prints on stdout only the DNS records the owner must create for
 * the configured strategy, one zone-file line each; logs go to stderr. Registers with the
 * acme-dns server where needed, never places an order.
 */
@Command(name = "records", mixinStandardHelpOptions = true,
        description = "Print the DNS records to create once (zone-file lines) on stdout; NAME defaults to --domains. "
                + "Creates the account or acme-dns registration the records name if needed; never places an order.")
public final class RecordsCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "names to print records for")
    public List<String> names = List.of();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<Setting, String> given = new EnumMap<>(Setting.class);
        given.putAll(SettingOptions.given(spec, err));
        if (!names.isEmpty()) {
            // the names given here win over --domains and -Dautotls.domains: this is a question about them
            given.put(Setting.DOMAINS, String.join(",", names));
        }
        List<String> records;
        AutoTls autoTls = null;
        try {
            autoTls = AutoTls.builder().commandLine(given).build();
            records = autoTls.requiredRecords();
        } catch (ConfigurationException e) {
            err.println("autotls records: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("autotls records: could not work out the records: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
        if (records.isEmpty()) {
            err.println("autotls records: this strategy needs no DNS record beyond the names' own addresses.");
            err.flush();
        }
        records.forEach(System.out::println);
        if (!records.isEmpty()) {
            printCaaAdvice(autoTls, err);
        }
        return 0;
    }

    /**
     * The optional CAA records that let only this CA, this account and these methods issue, as
     * zone-file comments after the records: hardening to choose knowingly, not a record to paste
     * blindly (it shuts out every other CA). Nothing when the CA's directory cannot be read.
     */
    private static void printCaaAdvice(AutoTls autoTls, PrintWriter err) throws InterruptedException {
        List<String> advice = Doctor.caaAdvice(autoTls.getBean(Assembly.class));
        if (advice.isEmpty()) {
            err.println("autotls records: no CAA advice: the CA's directory could not be read or names no CAA identity.");
            err.flush();
            return;
        }
        System.out.println("; optional CAA hardening: only this CA, this account and these methods may issue (other CAs are refused):");
        advice.forEach(line -> System.out.println("; " + line));
    }
}
