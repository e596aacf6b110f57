BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    $script:fqidSuffix = ',FabstirHost.Commands.GetFabstirDiagnosticsCommand'

    function Get-FreeTcpPort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }
}

Describe 'Get-FabstirDiagnostics' {
    BeforeEach {
        $script:testHome = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-pester-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $script:testHome | Out-Null
        $env:FABSTIR_HOME = $script:testHome
        $script:savedNodePath = $env:FABSTIR_NODE_PATH
        Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction SilentlyContinue
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
        if ($script:savedNodePath) { $env:FABSTIR_NODE_PATH = $script:savedNodePath }
    }

    It 'returns the checks in order, typed, with the chain left as Skip' {
        $checks = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1
        $checks[0].GetType().FullName | Should -Be 'FabstirHost.Core.Network.FabstirDiagnostic'
        ($checks.Area | Select-Object -Unique) -join ',' | Should -Be 'Node,Model,Process,Ports,Local,Public,Firewall,Chain'
        $checks | Where-Object Area -eq Chain | ForEach-Object { $_.Status | Should -Be 'Skip' }
    }

    It 'lists the failures for automation, with the exact command to run' {
        $apiPort = Get-FreeTcpPort
        $failed = Get-FabstirDiagnostics -ApiPort $apiPort -TimeoutSec 1 | Where-Object Status -eq Fail
        $failed.Name | Should -Contain 'Node binary'
        $failed.Name | Should -Contain "API port $apiPort/tcp"
        ($failed | Where-Object Name -eq 'Local health').Remedy | Should -Be 'Start-FabstirNode'
    }

    It 'reads the URL, ports and paths from the configuration, and parameters win' {
        $model = Join-Path $script:testHome 'm.gguf'
        [IO.File]::WriteAllBytes($model, [byte[]](0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
        @{ apiPort = 18123; p2pPort = 18200; modelPath = $model; publicUrl = 'https://node.example.invalid' } |
            ConvertTo-Json | Set-Content (Join-Path $script:testHome 'config.json')

        $checks = Get-FabstirDiagnostics -TimeoutSec 1
        $checks.Name | Should -Contain 'API port 18123/tcp'
        $checks.Name | Should -Contain 'P2P QUIC port 18202/udp'
        ($checks | Where-Object Name -eq 'Model file').Status | Should -Be 'Pass'
        ($checks | Where-Object Name -eq 'Public DNS').Status | Should -Be 'Fail'

        $overridden = Get-FabstirDiagnostics -ApiPort 18300 -TimeoutSec 1
        $overridden.Name | Should -Contain 'API port 18300/tcp'
        $overridden.Name | Should -Contain 'P2P port 18200/tcp'
    }

    It 'finds the node binary through FABSTIR_NODE_PATH' {
        $binary = Join-Path $script:testHome 'fabstir-llm-node'
        Set-Content $binary '#!/bin/sh'
        & chmod +x $binary
        $env:FABSTIR_NODE_PATH = $binary
        $check = Get-FabstirDiagnostics -TimeoutSec 1 | Where-Object Name -eq 'Node binary'
        $check.Status | Should -Be 'Pass'
        $check.Detail | Should -Match 'FABSTIR_NODE_PATH'
    }

    It 'answers $false with -Quiet when a check fails' {
        Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1 -Quiet | Should -BeExactly $false
    }

    It 'stops with a clear error when the configured public URL is not a URL' {
        @{ publicUrl = 'node.example.com:8080' } | ConvertTo-Json | Set-Content (Join-Path $script:testHome 'config.json')
        { Get-FabstirDiagnostics -ErrorAction Stop } | Should -Throw -ErrorId "InvalidEndpointUrl$fqidSuffix"
    }

    It 'shows a table of status, area, name and detail' {
        $text = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1 | Out-String -Width 200
        $text | Should -Match 'Status\s+Area\s+Name\s+Detail'
        $text | Should -Match 'Skip\s+Chain\s+RPC reachable\s+chain checks need a chain profile'
    }
}
