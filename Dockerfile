# syntax=docker/dockerfile:1
# The Warnings platform as a container image (README "Packaging"). From the repository root:
#   docker build -t warnings-platform:latest .
# Stage "build" publishes services/Warnings.Platform with the .NET SDK; the final stage is the
# ASP.NET Core runtime image (framework-dependent: the runtime is in the base image's shared layers),
# running as the image's non-root "app" user, with a health check on GET /readyz.
ARG DOTNET_VERSION=10.0

# The SDK runs on the builder's own platform and publishes for the target's architecture
# (docker buildx build --platform linux/arm64 works too).
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY contracts/ contracts/
COPY services/ services/
# The data files the platform loads from beside its binary (the csproj files link them from infra/).
COPY infra/publication-list/ infra/publication-list/
COPY infra/data/ infra/data/
COPY infra/dispatch/ infra/dispatch/
# The package cache survives between builds (BuildKit), so a code change does not download again.
RUN --mount=type=cache,id=warnings-nuget,target=/root/.nuget/packages \
    dotnet publish services/Warnings.Platform/Warnings.Platform.csproj -c Release -a "$TARGETARCH" \
      --self-contained false -nologo -o /app \
 && test -f /app/publication-list/shanghai.json \
 && test -f /app/data/shanghai-districts.geojson \
 && test -f /app/dispatch/cell-areas.json

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The health check: bash's /dev/tcp, since the runtime image has neither curl nor wget.
COPY --chmod=0755 infra/deploy/readyz.sh /usr/local/bin/warnings-readyz
# Listen on every interface inside the container; the platform binds its own two endpoints, so the
# base image's ASPNETCORE_HTTP_PORTS (8080) is cleared. Secrets: files in /run/secrets (Docker
# secrets, key-per-file, named like the variables), never in the image.
ENV Platform__GrpcUrl=http://0.0.0.0:5100 \
    Platform__HttpUrl=http://0.0.0.0:5101 \
    ASPNETCORE_HTTP_PORTS="" \
    Logging__Console__FormatterName=json
EXPOSE 5100 5101
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/warnings-readyz"]
# SIGTERM (docker stop) ends streams and lets in-flight work finish: give it 60 s (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/Warnings.Platform.dll"]
