package dev.autotls.sample.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An ordinary Spring Boot web application: HTTPS comes from the autotls.* lines in application.properties. */
@SpringBootApplication
@RestController
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    @GetMapping("/")
    String hello() {
        return "Hello over HTTPS from Spring Boot on Jetty, certificate by autotls\n";
    }
}
