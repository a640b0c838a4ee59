package dev.autotls.internal.cli;

import dev.autotls.ConfigurationException;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.SystemTrust;
import dev.autotls.internal.localca.TrustPlace;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code untrust [--system]}: removes what {@code trust} added, one line per place; safe to run again. */
@Command(name = "untrust", mixinStandardHelpOptions = true,
        description = "Remove the built-in local CA's root from where trust put it (NSS and the Java trust store file, "
                + "or with --system, as root, the system store alone). The root itself stays in the storage.")
public final class UntrustCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--system", description = "the system store instead; needs root")
    boolean system;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            LocalRootAccess access = LocalRootAccess.of(spec, err);
            Optional<Authority> authority = access.authority(false);
            if (authority.isEmpty()) {
                out.println("autotls untrust: the storage holds no local CA, so no root of it can be trusted anywhere; "
                        + "nothing to do.");
                return 0;
            }
            out.println("autotls untrust: " + access.describe(authority.get()) + ".");
            Optional<String> foreignHome = system ? Optional.empty() : access.foreignHome();
            foreignHome.ifPresent(out::println);
            for (TrustPlace place : access.places(system, "untrust")) {
                if (foreignHome.isEmpty() || place instanceof SystemTrust) {
                    place.untrust(authority.get()).forEach(out::println);
                }
            }
            return 0;
        } catch (ConfigurationException e) {
            err.println("autotls untrust: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("autotls untrust: could not read the local CA's root: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
