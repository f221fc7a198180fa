/**
 * The RabbitMQ 4 management API (HTTP over AMQP) as requests and responses: paths, methods, AMQP-map bodies,
 * status codes, response maps. Works on a virtual host's {@code io.wharf.exchange.Topology}; knows nothing of links
 * or connections (the link pair that carries it lives in {@code io.wharf.amqp.engine}).
 */
package io.wharf.amqp.management;
