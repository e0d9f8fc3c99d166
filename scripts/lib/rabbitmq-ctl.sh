#!/usr/bin/env bash
# Stops or starts again the RabbitMQ node that scripts/test.sh started, keeping its data (for broker outage tests):
#   BEATORLEANS_TEST_RUN_DIR=... scripts/lib/rabbitmq-ctl.sh stop|start
# The node's name, ports and credentials come from the run folder (written by bo_wait_rabbitmq); its private epmd
# stays up in between. `start` returns once the AMQP port accepts connections.
set -euo pipefail
BO_RUN_DIR=${BEATORLEANS_TEST_RUN_DIR:?set BEATORLEANS_TEST_RUN_DIR (scripts/test.sh exports it)}
# shellcheck source=servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
# shellcheck disable=SC1091
source "$BO_RUN_DIR/rabbitmq/ctl.env"
BO_EPMD_STARTED="" # never kill the run's epmd here

case ${1:-} in
  stop)
    bo_stop_rabbitmq
    rm -f "$BO_RABBITMQ_PIDFILE" # `rabbitmqctl wait` of the next start must not read the old pid
    ;;
  start)
    bo_rabbit "$BO_RABBITMQ_BIN/rabbitmq-server" -detached >>"$BO_RUN_DIR/rabbitmq/start.log" 2>&1 ||
      bo_fail_server rabbitmq "$BO_RUN_DIR/rabbitmq/start.log" "rabbitmq-server -detached failed"
    bo_wait_rabbitmq
    ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
