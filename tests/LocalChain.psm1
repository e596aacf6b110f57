<#
.SYNOPSIS
    A fresh local chain for Pester tests and the demo: anvil with the project's Solidity test
    doubles deployed and seeded by the fabstir-test-chain seeder.
#>

Set-StrictMode -Version 3.0

function Start-FabstirTestChain {
    <#
    .SYNOPSIS
        Starts anvil on a free port (chain id 84532), deploys and seeds the test doubles, and
        returns the addresses, keys and seeded models, plus the anvil process to stop later.
    #>
    [CmdletBinding()]
    param(
        [string] $AnvilPath = $env:FABSTIR_TEST_ANVIL,
        [string] $SeederPath = $env:FABSTIR_TEST_CHAINSEEDER,
        [string] $ContractsPath = $env:FABSTIR_TEST_CONTRACTS,
        [TimeSpan] $Timeout = [TimeSpan]::FromSeconds(15),

        # Also writes the addresses, keys and models as JSON here, for other processes (the demo).
        [string] $InfoFile
    )

    foreach ($path in $AnvilPath, $SeederPath, $ContractsPath) {
        if (-not $path -or -not (Test-Path $path)) {
            throw "Local chain asset '$path' is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
        }
    }

    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()

    $start = [Diagnostics.ProcessStartInfo]::new($AnvilPath)
    foreach ($argument in '--chain-id', '84532', '--port', "$port", '--silent') { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $rpcUrl = "http://127.0.0.1:$port"
    try {
        Wait-FabstirTestChainRpc -RpcUrl $rpcUrl -Process $process -Timeout $Timeout
        $json = & $SeederPath --rpc-url $rpcUrl --contracts $ContractsPath
        if ($LASTEXITCODE -ne 0) { throw "Seeding the local chain at $rpcUrl failed (exit code $LASTEXITCODE)." }
        $json = $json -join "`n"
        if ($InfoFile) { Set-Content -Path $InfoFile -Value $json -Encoding utf8NoBOM }
        $info = $json | ConvertFrom-Json
        $info | Add-Member -NotePropertyName Process -NotePropertyValue $process
        return $info
    }
    catch {
        Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
        throw
    }
}

function Stop-FabstirTestChain {
    <#
    .SYNOPSIS
        Kills the anvil process of a chain started by Start-FabstirTestChain.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Chain)

    process {
        if ($Chain -and $Chain.Process -and -not $Chain.Process.HasExited) {
            $Chain.Process.Kill($true)
            $Chain.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function Wait-FabstirTestChainRpc {
    param([string] $RpcUrl, [Diagnostics.Process] $Process, [TimeSpan] $Timeout)

    $body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}'
    $deadline = [DateTime]::UtcNow + $Timeout
    $delay = 10
    while ($true) {
        if ($Process.HasExited) { throw "anvil exited with code $($Process.ExitCode) before answering." }
        try {
            Invoke-RestMethod -Uri $RpcUrl -Method Post -Body $body -ContentType 'application/json' -TimeoutSec 2 | Out-Null
            return
        }
        catch {
            if ([DateTime]::UtcNow -gt $deadline) { throw "anvil did not answer at $RpcUrl within $Timeout." }
        }

        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min($delay * 2, 100)
    }
}

Export-ModuleMember -Function Start-FabstirTestChain, Stop-FabstirTestChain
