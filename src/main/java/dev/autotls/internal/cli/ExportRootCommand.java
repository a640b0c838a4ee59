package dev.autotls.internal.cli;

import dev.autotls.ConfigurationException;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.RootExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export-root [--out=FILE]}: the local CA's root as PEM, for another machine's trust store. */
@Command(name = "export-root", mixinStandardHelpOptions = true,
        description = "Write the built-in local CA's root certificate (PEM) to FILE, or to stdout; made first if there is "
                + "none yet. Only the certificate: its key never leaves the storage.")
public final class ExportRootCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write it (replaced whole); stdout when not given")
    Path out;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            LocalRootAccess access = LocalRootAccess.of(spec, err);
            Optional<Authority> found = access.authority(true);
            if (found.isEmpty()) {
                err.println("autotls export-root: " + access.noAuthorityYet("export-root") + ".");
                return 1;
            }
            Authority authority = found.get();
            byte[] pem = RootExport.pem(authority);
            if (out == null) {
                PrintWriter stdout = spec.commandLine().getOut();
                stdout.print(new String(pem, StandardCharsets.US_ASCII));
                stdout.flush();
            } else {
                RootExport.write(authority, out);
                err.println("autotls export-root: wrote " + access.describe(authority) + " to " + out.toAbsolutePath() + ".");
            }
            return 0;
        } catch (ConfigurationException e) {
            err.println("autotls export-root: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("autotls export-root: could not read the root or write " + out + ": " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }
}
