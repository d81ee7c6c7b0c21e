#!/bin/sh
# Entrypoint of the vsm Python service images (installed as /usr/local/bin/vsm-entrypoint).
#
#   vsm-entrypoint [COMMAND ...]  runs `python -m vsm_$VSM_SERVICE COMMAND` for each COMMAND in turn
#                                 (serve | migrate | seed | sdl), stopping at the first failure; the last
#                                 one replaces this shell, so `serve` receives SIGTERM itself.
#                                 No COMMAND means `serve`.  Example: `vsm-entrypoint migrate seed`.
#   vsm-entrypoint healthcheck    exits 0 when GET /health/ready on the service's port answers 200
#                                 (used by the image's HEALTHCHECK).
#
# VSM_SERVICE (goals | planning | followup) is set by the image; VSM_PORT defaults to the service's port.
set -eu

: "${VSM_SERVICE:?VSM_SERVICE is not set (goals, planning or followup)}"
case "$VSM_SERVICE" in
    goals) default_port=4001 ;;
    planning) default_port=4002 ;;
    followup) default_port=4003 ;;
    *)
        echo "vsm-entrypoint: unknown VSM_SERVICE '$VSM_SERVICE' (goals, planning or followup)" >&2
        exit 64
        ;;
esac
VSM_PORT="${VSM_PORT:-$default_port}"
export VSM_PORT

if [ "${1:-}" = "healthcheck" ]; then
    exec python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=4)' \
        "http://127.0.0.1:${VSM_PORT}/health/ready"
fi

[ "$#" -gt 0 ] || set -- serve
while [ "$#" -gt 1 ]; do
    python -m "vsm_${VSM_SERVICE}" "$1"
    shift
done
exec python -m "vsm_${VSM_SERVICE}" "$1"
