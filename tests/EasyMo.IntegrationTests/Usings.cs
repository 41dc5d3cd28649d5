global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using EasyMo.IntegrationTests.Infrastructure;
global using static EasyMo.IntegrationTests.Infrastructure.TestCancellation;
