global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using EasyMo.IntegrationTests.Infrastructure;
global using EasyMo.Testing;
global using static EasyMo.Testing.TestCancellation;
global using static EasyMo.Testing.TestSettings;
