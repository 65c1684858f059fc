package ai.prometheus.guardian;

import ai.prometheus.shared.testing.LatestGroups;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Tests start once the consumers reading the suite's topics from their end have joined (see LatestGroups). */
@ApplicationScoped
class LatestGroupsJoined {

    @Inject
    KafkaClientService kafka;

    void awaitJoined(@Observes StartupEvent started) {
        LatestGroups.awaitJoined(kafka);
    }
}
