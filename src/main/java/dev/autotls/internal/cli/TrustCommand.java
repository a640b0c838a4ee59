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

/**
 * {@code trust [--system]}: installs the built-in local CA's root (made first if {@code serve} has not
 * yet) where this user's browsers and Java look, one line per place; safe to run again. With
 * {@code --system} (as root) only the system store: the root is then read, never made, so root
 * leaves no files in the user's storage or home.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "Trust the built-in local CA's root (autotls.ca=local, or local names with no CA set) for this user: "
                + "the NSS database of Chromium and Firefox ($HOME/.pki/nssdb, through certutil), and a Java trust store file; "
                + "or with --system (as root) the system store alone. Reads the root from the same storage as serve.")
public final class TrustCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--system", description = "the system store (update-ca-certificates or update-ca-trust) instead; "
            + "needs root, and a root made before by serve or trust as the user")
    boolean system;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            LocalRootAccess access = LocalRootAccess.of(spec, err);
            // --system is root's part: the root is only read then, and the user's store and home stay as they are
            Optional<Authority> found = access.authority(!system);
            if (found.isEmpty()) {
                err.println("autotls trust: " + access.noAuthorityYet("trust") + ".");
                return 1;
            }
            Authority authority = found.get();
            out.println("autotls trust: " + access.describe(authority) + ".");
            Optional<String> foreignHome = system ? Optional.empty() : access.foreignHome();
            foreignHome.ifPresent(out::println);
            boolean held = false;
            for (TrustPlace place : access.places(system, "trust")) {
                if (foreignHome.isEmpty() || place instanceof SystemTrust) {
                    place.trust(authority).forEach(out::println);
                    held |= place.holds(authority);
                }
            }
            if (!held) { // a script that runs trust must not go on as if the browser now accepted the site
                err.println("autotls trust: no place trusts the root now; fix what the lines above name, then run trust again.");
                return 1;
            }
            return 0;
        } catch (ConfigurationException e) {
            err.println("autotls trust: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("autotls trust: could not read or make the local CA's root: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
