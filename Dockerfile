# One image for every BeatOrleans process; BEATORLEANS_ROLE picks it at start: "silo" or "api".
# The .NET images come from Microsoft's container registry: pass its repository path, e.g.
#   docker build --build-arg DOTNET_IMAGE_REPOSITORY=<registry>/dotnet .
ARG DOTNET_IMAGE_REPOSITORY

FROM ${DOTNET_IMAGE_REPOSITORY}/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig BeatOrleans.sln ./
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY silos/ silos/
COPY api/ api/
RUN dotnet publish silos/BeatOrleans.Silo -c Release -o /out/silo \
 && dotnet publish api/BeatOrleans.Api -c Release -o /out/api

FROM ${DOTNET_IMAGE_REPOSITORY}/aspnet:10.0 AS runtime
# Catalog silos run FFmpeg on uploads (the aspnet image is Debian-based).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/ ./
ENV BEATORLEANS_ROLE=api \
    Urls=http://0.0.0.0:8080 \
    DOTNET_gcServer=1
EXPOSE 8080 11111 30000
USER app
ENTRYPOINT ["sh", "-c", "case \"$BEATORLEANS_ROLE\" in silo) exec dotnet silo/BeatOrleans.Silo.dll ;; api) exec dotnet api/BeatOrleans.Api.dll ;; *) echo \"BEATORLEANS_ROLE must be silo or api\" >&2; exit 2 ;; esac"]
