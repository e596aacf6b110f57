BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'StandIn.ps1')
    $script:fqidSuffix = ',FabstirHost.Commands.GetFabstirDiagnosticsCommand'
}

Describe 'Get-FabstirDiagnostics' {
    BeforeEach {
        $folderName = 'fabstir-pester-' + [guid]::NewGuid().ToString('N')
        $script:testHome = Join-Path ([IO.Path]::GetTempPath()) $folderName
        New-Item -ItemType Directory $script:testHome | Out-Null
        $env:FABSTIR_HOME = $script:testHome
        $script:savedNodePath = $env:FABSTIR_NODE_PATH
        Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction SilentlyContinue
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
        if ($script:savedNodePath) { $env:FABSTIR_NODE_PATH = $script:savedNodePath }
        else { Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction SilentlyContinue }
    }

    It 'returns the checks in order, typed, with the chain left as Skip' {
        $checks = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1
        $checks[0].GetType().FullName | Should -Be 'FabstirHost.Core.Network.FabstirDiagnostic'
        ($checks.Area | Select-Object -Unique) -join ',' |
            Should -Be 'Node,Model,Process,Ports,Local,Public,Firewall,Chain'
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
        @{ publicUrl = 'node.example.com:8080' } | ConvertTo-Json |
            Set-Content (Join-Path $script:testHome 'config.json')
        { Get-FabstirDiagnostics -ErrorAction Stop } | Should -Throw -ErrorId "InvalidEndpointUrl$fqidSuffix"
        $checks = Get-FabstirDiagnostics -Url 'https://node.example.invalid' -ApiPort (Get-FreeTcpPort) -TimeoutSec 1
        ($checks | Where-Object Name -eq 'Public URL').Detail | Should -Match 'node.example.invalid'
    }

    Context 'with a running node' {
        BeforeAll {
            $script:node = Start-TestStandIn @{ FABSTIR_STANDIN_NODE_NAME = 'alpha' }
            $script:other = Start-TestStandIn @{
                FABSTIR_STANDIN_NODE_NAME = 'beta'
                FABSTIR_STANDIN_BIND_ADDRESS = '127.0.0.2'
            }
        }

        AfterAll {
            Stop-TestStandIn $script:other
            Stop-TestStandIn $script:node
        }

        It 'answers $true with -Quiet when nothing fails' {
            $arguments = @{
                ApiPort = $node.ApiPort; P2PPort = $node.P2PPort
                ModelPath = $node.Model; NodePath = $env:FABSTIR_TEST_STANDIN
            }
            Get-FabstirDiagnostics @arguments -TimeoutSec 2 | Where-Object Status -eq Fail | Should -BeNullOrEmpty
            Get-FabstirDiagnostics @arguments -TimeoutSec 2 -Quiet | Should -BeExactly $true
        }

        It 'passes the same-node check when the public URL reaches this node' {
            $url = "http://localhost:$($node.ApiPort)"
            $check = Get-FabstirDiagnostics -Url $url -ApiPort $node.ApiPort -TimeoutSec 2 |
                Where-Object Name -eq 'Same node'
            $check.Status | Should -Be 'Pass'
            $check.Detail | Should -Match "node 'alpha'"
        }

        It 'fails the same-node check when the public URL reaches another node' {
            $check = Get-FabstirDiagnostics -Url $other.Url -ApiPort $node.ApiPort -TimeoutSec 2 |
                Where-Object Name -eq 'Same node'
            $check.Status | Should -Be 'Fail'
            $check.Detail | Should -Match "node 'beta'"
            $check.Remedy | Should -Match "port $($node.ApiPort)"
        }

        It 'names the node process holding each port' {
            $ports = Get-FabstirDiagnostics -ApiPort $node.ApiPort -P2PPort $node.P2PPort -TimeoutSec 2 |
                Where-Object Area -eq Ports
            $ports.Status | Should -Be @('Pass', 'Pass', 'Pass', 'Pass')
            $owner = "fabstir-llm-node \(pid $($node.Process.Id)\) listens on all interfaces"
            $ports | ForEach-Object { $_.Detail | Should -Match $owner }
        }
    }

    It 'shows a table of status, area, name and detail' {
        $text = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1 | Out-String -Width 200
        $text | Should -Match 'Status\s+Area\s+Name\s+Detail'
        $text | Should -Match 'Skip\s+Chain\s+RPC reachable\s+chain checks need a chain profile'
    }
}
