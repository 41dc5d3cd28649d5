# EasyMO Voice: build with the .NET SDK, run on the chiseled ASP.NET Core runtime (no shell, no curl, non-root).
#   docker build -t easymo-voice .
#   docker run --rm -p 8080:8080 --env-file deploy/compose.env easymo-voice            # serves on :8080 (no /metrics there)
#   docker run --rm --env-file deploy/compose.env --entrypoint dotnet easymo-voice operator/EasyMo.Operator.dll migrate   # an operator command
# Not built in this repository's CI (no Docker engine there); see README, "Containers".

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so that a code change keeps the restored layer.
# global.json pins the SDK feature band (10.0.401, rolling forward): the sdk:10.0 image must be at least that.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Domain/EasyMo.Domain.csproj src/Domain/
COPY src/Application/EasyMo.Application.csproj src/Application/
COPY src/Infrastructure/EasyMo.Infrastructure.csproj src/Infrastructure/
COPY src/WebApi/EasyMo.WebApi.csproj src/WebApi/
COPY src/Operator/EasyMo.Operator.csproj src/Operator/
RUN dotnet restore src/WebApi/EasyMo.WebApi.csproj && dotnet restore src/Operator/EasyMo.Operator.csproj
# Everything either program builds from is under src/ (the Kamailio template included: src/Operator/SipEdge).
COPY src/ src/
RUN dotnet publish src/WebApi/EasyMo.WebApi.csproj -c Release --no-restore -o /app /p:UseAppHost=false \
 && dotnet publish src/Operator/EasyMo.Operator.csproj -c Release --no-restore -o /app/operator /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
USER $APP_UID
# Only the public listener. GET /metrics is on the management listener, EASYMO_MANAGEMENT_URLS, by default the
# container's own loopback (127.0.0.1:9464): nothing outside the container reaches it until a deployment says where
# its scraper is, e.g. EASYMO_MANAGEMENT_URLS=http://0.0.0.0:9464 on a private network, the port never published.
EXPOSE 8080
# The image has no curl: the operator's tool probes the service (`healthcheck` GETs http://127.0.0.1:8080/health/live, exit 0/1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "operator/EasyMo.Operator.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "EasyMo.WebApi.dll"]
