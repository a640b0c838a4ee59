package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 (b): what can never work is refused when the AutoTls is built, with one sentence naming the setting and the fix. */
class StartupRefusalTest {
    @TempDir
    Path folder;

    private AutoTls.Builder builder() {
        return AutoTls.builder().ignoreSystemSettings().domains("refuse.test").storage(folder.resolve("storage"))
                .ca("https://ca.invalid/dir").agreeToTermsOfService(true);
    }

    @Test
    void noDomainsAndNoNamesManagedAtRunTimeInTheStore() {
        AutoTls.Builder noDomains = AutoTls.builder().ignoreSystemSettings().storage(folder.resolve("storage"))
                .ca("https://ca.invalid/dir").agreeToTermsOfService(true);
        assertThatThrownBy(noDomains::build).isInstanceOf(ConfigurationException.class)
                .hasMessage("autotls.domains is not set and " + folder.resolve("storage") + " holds no names managed at run time: "
                        + "name at least one domain, e.g. -Dautotls.domains=example.com,*.example.com (or "
                        + "AUTOTLS_DOMAINS=example.com,*.example.com)");
    }

    @Test
    void noDomainsAndAPostgresqlStoreThatDoesNotAnswerAtBuild() {
        int nobody = dev.autotls.testing.Ports.free();
        AutoTls.Builder unreachable = AutoTls.builder().ignoreSystemSettings()
                .storage("postgresql://autotls@127.0.0.1:" + nobody + "/autotls").ca("https://ca.invalid/dir").agreeToTermsOfService(true);
        String store = "postgresql://autotls@127.0.0.1:" + nobody + "/autotls";
        assertThatThrownBy(unreachable::build).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("autotls.domains is not set, so the names to serve are the ones managed at run time, "
                        + "and they could not be read from " + store + " (")
                .hasMessageContaining("Connection refused")
                .hasMessageEndingWith("): make autotls.storage (set in code) reachable and start again, or name at least one "
                        + "domain, e.g. -Dautotls.domains=example.com,*.example.com (or AUTOTLS_DOMAINS=example.com,*.example.com)");
    }

    @Test
    void noDomainsButNamesManagedAtRunTimeInTheStore() throws Exception {
        AutoTls first = builder().build();
        first.manage("later.test"); // not Jetty's manage(Object bean): written to the store at once; the order is never placed (never started)
        first.destroy();

        AutoTls second = AutoTls.builder().ignoreSystemSettings().storage(folder.resolve("storage"))
                .ca("https://ca.invalid/dir").agreeToTermsOfService(true).build();
        try {
            assertThat(second.managedNames()).containsExactly("later.test");
            assertThat(second.status()).singleElement().satisfies(status ->
                    assertThat(status.origins()).containsEntry("later.test", CertificateStatus.Origin.MANAGED));
        } finally {
            second.destroy();
        }
    }

    @Test
    void aStorageFolderThisProcessCannotWrite() {
        // /proc refuses new files even to root, unlike a chmod'ed folder
        assertThatThrownBy(() -> builder().storage(Path.of("/proc")).build()).isInstanceOf(ConfigurationException.class)
                .hasMessage("autotls.storage (set in code) = '/proc' cannot be used (cannot create or find /proc/.guard); "
                        + "choose a folder this user may create files in");
    }

    @Test
    void aFileWhereTheFolderShouldBe() throws Exception {
        Path file = Files.writeString(folder.resolve("file"), "x");
        assertThatThrownBy(() -> builder().storage(file).build()).isInstanceOf(ConfigurationException.class)
                .hasMessage("autotls.storage (set in code) = '" + file + "' is a file, not a folder; name a folder (it is created if missing)");
    }

    @Test
    void aStorageUrlOfAnUnsupportedScheme() {
        assertThatThrownBy(() -> builder().storage("mysql://db.test/autotls").build())
                .hasMessage("autotls.storage (set in code) starts with mysql://, which is no supported store; give a folder, "
                        + "or a postgresql://user@host:5432/database URL");
    }

    @Test
    void aMalformedOrTooShortEabKeyNeverShowingIt() {
        assertThatThrownBy(() -> builder().externalAccountBinding("kid-1", "not base64!").build())
                .hasMessageContaining("autotls.eab.hmac-key").hasMessageContaining("(hidden)").hasMessageContaining("not base64url")
                .hasMessageNotContaining("not base64!");
        assertThatThrownBy(() -> builder().externalAccountBinding("kid-1", "c2hvcnQ").build())
                .hasMessageContaining("decodes to 5 bytes, too short").hasMessageNotContaining("c2hvcnQ");
        builder().externalAccountBinding("kid-1", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W").build();
    }

    @Test
    void termsNotAgreedWhileNoAccountIsStored() {
        AutoTls autoTls = builder().agreeToTermsOfService(false).httpsPort(0).httpPort(0).build();
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        autoTls.installOn(server);
        assertThatThrownBy(server::start).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("autotls.agree-tos (set in code) is not true and ").hasMessageContaining("holds no account for "
                        + "https://ca.invalid/dir").hasMessageEndingWith("then set -Dautotls.agree-tos=true (or AUTOTLS_AGREE_TOS=true)");
        try {
            server.stop();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
