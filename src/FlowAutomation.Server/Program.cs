using FlowAutomation.Server.Hosting;

var builder = ServerHost.CreateBuilder(args);
var app = builder.Build();
app.MapFlowAutomationServer();
await app.RunAsync();
