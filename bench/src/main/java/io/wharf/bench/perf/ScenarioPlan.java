package io.wharf.bench.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * One scenario with every setting decided.
 *
 * @param producers     producer connections; each sends to every address of the plan, round-robin
 * @param consumers     consumer connections; queues are dealt out among them (a topic: each subscribes)
 * @param queues        queues (1 for a topic)
 * @param ratePerSecond total send rate over all producers (open loop); 0 = as fast as the window allows
 * @param credit        link credit (Qpid JMS prefetch) per consumer link
 * @param window        unsettled sends per producer connection
 */
record ScenarioPlan(Scenario scenario, boolean persistent, int producers, int consumers, int queues,
                    DestinationKind kind, double ratePerSecond, int sizeBytes, int credit, int window) {

    /** Deliveries each sent message turns into: one per subscriber on a topic, else one. */
    int fanout() {
        return kind == DestinationKind.TOPIC ? consumers : 1;
    }

    /** The addresses, named after the scenario and {@code tag} so that runs never meet each other's messages. */
    List<String> addresses(String tag) {
        String base = "perf-" + scenario.id() + "-" + tag;
        if (queues == 1) {
            return List.of(base);
        }
        List<String> list = new ArrayList<>(queues);
        for (int q = 0; q < queues; q++) {
            list.add(base + "-" + q);
        }
        return list;
    }

    /**
     * The addresses consumer {@code index} (of {@link #consumers}) reads: every queue whose number is congruent to
     * the index; with more consumers than queues, consumers share queues (competing consumers).
     */
    List<String> addressesOfConsumer(List<String> addresses, int index) {
        if (kind == DestinationKind.TOPIC) {
            return addresses;
        }
        List<String> mine = new ArrayList<>();
        if (consumers >= addresses.size()) {
            mine.add(addresses.get(index % addresses.size()));
        } else {
            for (int q = index; q < addresses.size(); q += consumers) {
                mine.add(addresses.get(q));
            }
        }
        return mine;
    }

    /** A one-line description of the settings for tables and logs. */
    String settings() {
        String destinations = kind == DestinationKind.TOPIC ? "1 topic" : queues + (queues == 1 ? " queue" : " queues");
        return String.format("%s, %d B, %d producer%s, %d %s, %s, credit %d, window %d%s",
                persistent ? "persistent" : "non-persistent", sizeBytes, producers, producers == 1 ? "" : "s",
                consumers, kind == DestinationKind.TOPIC ? "subscribers" : consumers == 1 ? "consumer" : "consumers",
                destinations, credit, window,
                ratePerSecond > 0 ? String.format(", %,.0f msg/s open loop", ratePerSecond) : "");
    }
}
