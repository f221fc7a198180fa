package io.wharf.bench.perf;

/**
 * What an address names. Both client engines say it the way Qpid JMS does: terminus capability {@code queue} or
 * {@code topic}, which Artemis turns into an anycast or a multicast address when it auto-creates one.
 */
enum DestinationKind {
    QUEUE("queue"),
    TOPIC("topic");

    private final String capability;

    DestinationKind(String capability) {
        this.capability = capability;
    }

    String capability() {
        return capability;
    }
}
