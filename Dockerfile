# One image for every BeatOrleans process; BEATORLEANS_ROLE picks it at start: "silo" or "api".
#
#   docker build -t beatorleans:local .                      Microsoft's .NET images (SDK to publish, ASP.NET to run)
#   docker build --build-arg SDK_IMAGE=<mirror>/dotnet/sdk:10.0 --build-arg RUNTIME_IMAGE=<mirror>/dotnet/aspnet:10.0 .
#   podman build --build-arg RUNTIME_IMAGE=... --build-arg APP_SOURCE=prebuilt .
#                                                            binaries published on the host into .publish/{silo,api}
#                                                            (scripts/containers.sh does this where no registry is reachable)
# The runtime image must be Debian- or Ubuntu-based (apt-get) and have the .NET 10 ASP.NET Core runtime and a user "app",
# as Microsoft's aspnet images do.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
ARG APP_SOURCE=build

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig BeatOrleans.sln ./
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY silos/ silos/
COPY api/ api/
RUN dotnet publish silos/BeatOrleans.Silo -c Release -o /out/silo \
 && dotnet publish api/BeatOrleans.Api -c Release -o /out/api

# Published outside the image build; only used with APP_SOURCE=prebuilt (an unused stage is not built).
FROM scratch AS prebuilt
COPY .publish/ /out/

FROM ${APP_SOURCE} AS app

FROM ${RUNTIME_IMAGE} AS runtime
# Catalog silos run FFmpeg on uploads; curl answers the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=app /out/ ./
# Both roles serve HTTP on 8080: the API, or a silo's /health endpoints. Silos talk Orleans on 11111 (silo) and
# 30000 (gateway). Server GC: these are long-lived processes on their own cores.
ENV BEATORLEANS_ROLE=api \
    Urls=http://0.0.0.0:8080 \
    DOTNET_gcServer=1
EXPOSE 8080 11111 30000
# Ready, not merely alive: an API node is ready once it reaches the cluster, a silo once it is an active member.
# Host: localhost, because the API answers only the host names AllowedHosts lists.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null -H 'Host: localhost' http://127.0.0.1:8080/health/ready || exit 1
# SIGTERM starts the graceful stop (readiness 503, drain, requests in flight, the silo's leave): give it
# Shutdown:Timeout (30 s) and a margin, e.g. `docker stop -t 40`, compose stop_grace_period, Kubernetes
# terminationGracePeriodSeconds.
STOPSIGNAL SIGTERM
USER app
ENTRYPOINT ["sh", "-c", "case \"$BEATORLEANS_ROLE\" in silo) exec dotnet silo/BeatOrleans.Silo.dll ;; api) exec dotnet api/BeatOrleans.Api.dll ;; *) echo \"BEATORLEANS_ROLE must be silo or api\" >&2; exit 2 ;; esac"]
