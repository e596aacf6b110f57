using FabstirHost.TestChain;

// Seeds a running local chain with the test doubles and prints what it deployed as JSON.
// Usage: fabstir-test-chain --rpc-url http://127.0.0.1:8545 --contracts out/contracts
string? rpcUrl = null;
string? contracts = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--rpc-url":
            rpcUrl = args[i + 1];
            break;
        case "--contracts":
            contracts = args[i + 1];
            break;
    }
}

if (rpcUrl == null || contracts == null)
{
    Console.Error.WriteLine("Usage: fabstir-test-chain --rpc-url <url> --contracts <compiled contracts dir>");
    return 2;
}

TestChainInfo info = await new TestChainDeployer(rpcUrl, contracts).DeployAllAsync();
Console.WriteLine(info.ToJson());
return 0;
