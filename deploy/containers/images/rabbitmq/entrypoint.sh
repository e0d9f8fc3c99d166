#!/bin/sh
# Writes rabbitmq.conf from the environment and runs the node in the foreground as rabbitmq.
set -eu
mkdir -p /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
cat >/etc/rabbitmq/rabbitmq.conf <<CONF
listeners.tcp.default = 5672
loopback_users = none
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
log.console = true
log.file = false
CONF
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq /etc/rabbitmq
export HOME=/var/lib/rabbitmq
exec setpriv --reuid rabbitmq --regid rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server
