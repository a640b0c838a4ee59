package dev.autotls.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.AutoTls;
import dev.autotls.Setting;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.AuthorityStore;
import dev.autotls.internal.store.FileCertificateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} for a site whose certificates all come from the built-in local CA: no strategy,
 * CAA, ACME CA or profile check (nothing there is asked of Let's Encrypt, so it passes offline),
 * and one finding about the local CA itself.
 */
class DoctorLocalCaTest {
    @TempDir
    Path storage;

    @Test
    void localhostAloneAsksNoAcmeCaAndReportsTheLocalRoot() throws Exception {
        Authority authority = new AuthorityStore(new FileCertificateStore(storage), Clock.systemUTC()).loadOrCreate();
        AutoTls autoTls = AutoTls.builder().ignoreSystemSettings().domains("localhost").storage(storage).httpsPort(0)
                .set(Setting.HTTP_PORT, "off").build();
        try {
            List<Doctor.Finding> findings = new Doctor(autoTls.getBean(Assembly.class)).examine();
            assertThat(findings).as("%s", findings).noneMatch(f -> f.level() == Doctor.Level.FAIL);
            assertThat(findings).extracting(Doctor.Finding::text)
                    .noneMatch(text -> text.startsWith("CA directory") || text.startsWith("clock:") || text.startsWith("CAA")
                            || text.contains("CAA identity")
                            || text.contains("letsencrypt") || text.contains("can validate"))
                    .filteredOn(text -> text.startsWith("local CA: "))
                    .singleElement().asString()
                    .startsWith("local CA: root SHA-256 " + authority.fingerprint() + ", intermediate until ");
        } finally {
            autoTls.destroy();
        }
    }
}
