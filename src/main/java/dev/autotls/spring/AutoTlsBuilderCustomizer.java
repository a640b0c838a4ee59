package dev.autotls.spring;

import dev.autotls.AutoTls;

/**
 * A bean of this type adjusts the {@link AutoTls.Builder} after the {@code autotls.*} settings
 * from Spring's {@code Environment} are set and before it is built: add a listener, inject a
 * store. Every such bean is applied, in Spring's order.
 */
@FunctionalInterface
public interface AutoTlsBuilderCustomizer {
    void customize(AutoTls.Builder builder);
}
