package dev.autotls.spring;

import dev.autotls.AutoTls;
import dev.autotls.internal.Assembly;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With Spring Boot's Jetty on the classpath and {@code autotls.domains} set, Spring Boot's Jetty
 * server serves HTTPS through autotls: certificates obtained and renewed in the background and
 * swapped in without a restart. The served certificate is also the {@code SslBundle} named
 * {@code autotls}. Settings are the {@code autotls.*} keys of the README's reference, read from
 * Spring's {@code Environment}; the HTTPS port is {@code server.port}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass({Server.class, ConfigurableJettyWebServerFactory.class})
@ConditionalOnProperty(prefix = "autotls", name = "domains")
public class AutoTlsAutoConfiguration {

    /** Made by Spring Boot when it imports the auto-configuration; applications do not make one. */
    public AutoTlsAutoConfiguration() {
    }

    /** Jetty's server destroys it with itself (it is a bean of a connector), so Spring must not as well. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public AutoTls autoTls(Environment environment, ObjectProvider<AutoTlsBuilderCustomizer> customizers,
            ObjectProvider<SslBundleRegistry> bundles) {
        AutoTls.Builder builder = EnvironmentSettings.apply(environment, AutoTls.builder().ignoreSystemSettings());
        SslBundleRegistry registry = bundles.getIfAvailable();
        SslBundlePublisher publisher = null;
        if (registry != null) {
            publisher = new SslBundlePublisher(registry);
            builder.listener(publisher);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        AutoTls autoTls = builder.build();
        if (publisher != null) {
            Assembly site = autoTls.getBean(Assembly.class);
            // the bundle carries the first managed certificate (configured names first; else one managed at run time)
            if (!site.certificates().isEmpty()) {
                publisher.readFrom(site.registry(), site.certificates().get(0).firstName());
            }
            SslBundlePublisher started = publisher;
            autoTls.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarted(LifeCycle event) {
                    started.publish(); // the stored certificate, served from the start without an event
                }
            });
        }
        return autoTls;
    }

    @Bean
    public WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> autoTlsJettyCustomizer(AutoTls autoTls) {
        return factory -> factory.addServerCustomizers(new JettyConnectors(autoTls));
    }
}
