package dev.autotls.cli;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code records [NAME...]}: prints on stdout only the DNS records the owner must create for
 * the configured strategy, one zone-file line each; logs go to stderr. Registers with the
 * acme-dns server where needed, never places an order.
 */
@Command(name = "records", mixinStandardHelpOptions = true,
        description = "Print the DNS records to create once (zone-file lines); NAME defaults to autotls.domains.")
final class RecordsCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "names to print records for")
    List<String> names = List.of();

    @Override
    public Integer call() throws Exception {
        AutoTls.Builder builder = AutoTls.builder();
        if (!names.isEmpty()) {
            // the names given here win over -Dautotls.domains, unlike the usual order: this is a question about them
            System.setProperty(Setting.DOMAINS.key(), String.join(",", names));
        }
        List<String> records;
        try {
            records = builder.build().requiredRecords();
        } catch (ConfigurationException e) {
            System.err.println("autotls records: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("autotls records: could not work out the records: " + e.getMessage());
            return 1;
        }
        if (records.isEmpty()) {
            System.err.println("autotls records: this strategy needs no DNS record beyond the names' own addresses.");
        }
        records.forEach(System.out::println);
        return 0;
    }
}
