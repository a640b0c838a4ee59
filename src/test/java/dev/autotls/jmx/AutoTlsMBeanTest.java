package dev.autotls.jmx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.AutoTls;
import dev.autotls.testing.MemoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JMX operations throw what failed as the sentence a console shows, instead of saying it went well. */
class AutoTlsMBeanTest {
    @TempDir
    Path folder;

    @Test
    void manageThrowsAStoreFailureInsteadOfSayingItManagesTheNames() {
        MemoryStore store = new MemoryStore();
        AutoTls autoTls = AutoTls.builder().ignoreSystemSettings().domains("jmx.test").storage(folder).store(store).build();
        try {
            AutoTlsMBean bean = new AutoTlsMBean(autoTls);
            store.down(true);
            assertThatThrownBy(() -> bean.manage("new.test")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not add new.test");
            assertThatThrownBy(() -> bean.unmanage("new.test")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not remove new.test");
        } finally {
            autoTls.destroy();
        }
    }
}
