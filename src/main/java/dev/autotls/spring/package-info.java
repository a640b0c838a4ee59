/**
 * Spring Boot auto-configuration: with {@code autotls.domains} in Spring's {@code Environment},
 * Spring Boot's Jetty server serves HTTPS on {@code server.port} through autotls, adds a plain
 * HTTP connector on {@code autotls.http.port} (http-01 answers, redirects to HTTPS) and registers
 * the served certificate as the {@code SslBundle} named {@code autotls}. Only Spring Boot's
 * applications load anything here; it may import Spring Boot, Jetty and the {@code dev.autotls}
 * face ({@code AutoTls}, {@code Setting}, the listener and the registry), and nothing imports it.
 */
package dev.autotls.spring;
