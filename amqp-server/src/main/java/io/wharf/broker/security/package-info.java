/** Users, their roles and per-vhost permissions. */
package io.wharf.broker.security;
