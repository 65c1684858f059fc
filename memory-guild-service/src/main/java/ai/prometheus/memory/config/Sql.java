package ai.prometheus.memory.config;

import ai.prometheus.shared.platform.config.ServiceConfig;
import jakarta.inject.Singleton;

/**
 * Native SQL of this service names its tables as {@code {schema}.memories}: the schema comes from
 * configuration, and neither the reactive pool nor native queries apply Hibernate's default schema.
 */
@Singleton
public class Sql {

    private final String schema;

    public Sql(ServiceConfig service) {
        this.schema = service.schema();
    }

    public String of(String template) {
        return template.replace("{schema}", schema);
    }

    public String schema() {
        return schema;
    }
}
