package io.wharf.amqp.engine;

import io.wharf.amqp.management.ManagementApi;

/** The broker's virtual hosts: looked up by connections at open, created and deleted through management. */
public interface VirtualHosts extends ManagementApi.VirtualHostAdmin {

    /** The virtual host of that name, or null. Any thread, without blocking. */
    VirtualHost get(String name);
}
