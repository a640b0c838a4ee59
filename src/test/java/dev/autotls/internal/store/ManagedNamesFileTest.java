package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The managed set's document: format 2 only while names came on demand, so the version before can still change the rest. */
class ManagedNamesFileTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final MemoryStore store = new MemoryStore();
    private final ManagedNamesFile file = new ManagedNamesFile(store);

    private String document() throws Exception {
        return new String(store.load(StorageKeys.MANAGED_NAMES).orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void namesObtainedOnDemandAreWrittenInFormatTwoAndReadBack() throws Exception {
        file.update(set -> set.with(List.of("managed.test"), List.of()), WAIT);
        assertThat(document()).contains("\"format\" : 1").doesNotContain("onDemand");

        file.update(set -> set.withOnDemand(List.of("od.test", "managed.test"), T0), WAIT);
        assertThat(document()).contains("\"format\" : 2").contains("\"onDemand\"");
        ManagedNames read = file.load();
        assertThat(read.names()).containsExactly("managed.test", "od.test");
        assertThat(read.onDemand()).containsExactly(new ManagedNames.OnDemand("od.test", T0));
        assertThat(read.isOnDemand("managed.test")).as("managed before: stays managed").isFalse();

        file.update(set -> set.without(List.of("od.test"), List.of()), WAIT);
        assertThat(document()).as("none on demand any more: the format every version changes").contains("\"format\" : 1");
        assertThat(file.load().onDemand()).isEmpty();
    }

    @Test
    void aDocumentOfALaterFormatIsReadButNeverRewritten() throws Exception {
        store.save(StorageKeys.MANAGED_NAMES, ("{\"format\":3,\"version\":4,\"names\":[\"a.test\"],"
                + "\"onDemand\":[{\"name\":\"a.test\",\"admitted\":\"2026-12-01T00:00:00Z\"},{\"name\":\"gone.test\",\"admitted\":"
                + "\"2026-12-01T00:00:00Z\"}],\"later\":true}").getBytes(StandardCharsets.UTF_8), CertificateStore.Sensitivity.PUBLIC);
        ManagedNames read = file.load();
        assertThat(read.names()).containsExactly("a.test");
        assertThat(read.onDemand()).as("a mark without its name means nothing").extracting(ManagedNames.OnDemand::name)
                .containsExactly("a.test");
        assertThatThrownBy(() -> file.update(set -> set.with(List.of("b.test"), List.of()), WAIT))
                .isInstanceOf(NewerFormatException.class).hasMessageContaining("newer autotls").hasMessageContaining("format 3");
    }

    @Test
    void anOnDemandMarkWithoutAValidTimeIsReportedAsCorrupt() throws Exception {
        store.save(StorageKeys.MANAGED_NAMES, ("{\"format\":2,\"version\":1,\"names\":[\"a.test\"],"
                + "\"onDemand\":[{\"name\":\"a.test\",\"admitted\":\"yesterday\"}]}").getBytes(StandardCharsets.UTF_8),
                CertificateStore.Sensitivity.PUBLIC);
        assertThatThrownBy(file::load).isInstanceOf(CorruptDataException.class).hasMessageContaining("on demand");
    }
}
