BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
    . (Join-Path $PSScriptRoot 'StandIn.ps1')
    $script:fqidSuffix = ',FabstirHost.Commands.GetFabstirDiagnosticsCommand'
}

Describe 'Get-FabstirDiagnostics' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
        $script:savedNodePath = $env:FABSTIR_NODE_PATH
        Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction SilentlyContinue
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
        # Put FABSTIR_NODE_PATH back as it was, removed included: a leftover would send later
        # test files' Start-FabstirNode to a binary that was deleted with this home.
        if ($script:savedNodePath) { $env:FABSTIR_NODE_PATH = $script:savedNodePath }
        else { Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction SilentlyContinue }
    }

    It 'returns the checks in order, typed, with the chain skipped without a host address' {
        $checks = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1
        $checks[0].GetType().FullName | Should -Be 'FabstirHost.Core.Network.FabstirDiagnostic'
        ($checks.Area | Select-Object -Unique) -join ',' |
            Should -Be 'Node,Model,Process,Ports,Local,Public,Firewall,Chain'
        $checks | Where-Object Area -eq Chain | ForEach-Object {
            $_.Status | Should -Be 'Skip'
            $_.Detail | Should -Match '^no host address: give -Address'
        }
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

    It 'never shows the password of the public URL' {
        $output = Get-FabstirDiagnostics -Url 'http://operator:s3cret@127.0.0.1:1/' -ApiPort (Get-FreeTcpPort) `
            -TimeoutSec 1 -Verbose *>&1
        ($output | Where-Object Name -eq 'Public URL').Detail | Should -Match '^http://…@127\.0\.0\.1:1/'
        ($output | ForEach-Object { "$_"; $_.Detail; $_.Remedy }) -join "`n" | Should -Not -Match 's3cret'
    }

    It 'says whether the node path came from -NodePath or from the configuration' {
        $configured = Join-Path $script:testHome 'fabstir-llm-node'
        Set-Content $configured '#!/bin/sh'
        & chmod +x $configured
        @{ nodePath = $configured } | ConvertTo-Json | Set-Content (Join-Path $script:testHome 'config.json')

        $given = Get-FabstirDiagnostics -NodePath /etc/passwd -TimeoutSec 1 | Where-Object Name -eq 'Node binary'
        $given.Status | Should -Be 'Fail'
        $given.Detail | Should -Be "'/etc/passwd' (from the -NodePath parameter) is not executable"
        $saved = Get-FabstirDiagnostics -TimeoutSec 1 | Where-Object Name -eq 'Node binary'
        $saved.Status | Should -Be 'Pass'
        $saved.Detail | Should -Be "'$configured' (from the configuration (NodePath)) is executable"
    }

    It 'reports a damaged config.json as the first check and goes on with the parameters' {
        $config = Join-Path $script:testHome 'config.json'
        Set-Content $config '{ "apiPort": "eighty", broken'
        $apiPort = Get-FreeTcpPort
        $given = @{ ApiPort = $apiPort; Url = 'https://node.example.invalid'; NodePath = '/etc/passwd'; TimeoutSec = 1 }

        $checks = Get-FabstirDiagnostics @given
        $checks[0].Area, $checks[0].Name, $checks[0].Status | Should -Be @('Config', 'Configuration file', 'Fail')
        $checks[0].Detail | Should -Match ([regex]::Escape("The file '$config' is damaged"))
        $checks[0].Remedy | Should -Be "Move-Item '$config' '$config.damaged'"
        $checks.Name | Should -Contain "API port $apiPort/tcp"
        ($checks | Where-Object Name -eq 'Node binary').Detail | Should -Match 'from the -NodePath parameter'
        ($checks | Where-Object Name -eq 'Public DNS').Status | Should -Be 'Fail'
        ($checks | Where-Object Area -eq Chain)[0].Detail | Should -Match '^config.json is damaged.*-RpcUrl'
        Get-FabstirDiagnostics @given -Quiet | Should -BeExactly $false
        Get-Content $config -Raw | Should -Match 'broken'

        Invoke-Expression $checks[0].Remedy
        "$config.damaged" | Should -Exist
        (Get-FabstirDiagnostics @given).Area | Should -Not -Contain 'Config'
    }

    It 'answers $false with -Quiet when a check fails' {
        Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1 -Quiet | Should -BeExactly $false
    }

    It 'fails a configured public URL that is not a URL, and -Url replaces it' {
        @{ publicUrl = 'node.example.com:8080' } | ConvertTo-Json |
            Set-Content (Join-Path $script:testHome 'config.json')
        $checks = Get-FabstirDiagnostics -ApiPort (Get-FreeTcpPort) -TimeoutSec 1 -ErrorAction Stop
        $checks[0].Area, $checks[0].Status | Should -Be @('Config', 'Fail')
        $checks[0].Detail | Should -Match "^publicUrl in config.json: 'node.example.com:8080' is not a node URL"
        $checks = Get-FabstirDiagnostics -Url 'https://node.example.invalid' -ApiPort (Get-FreeTcpPort) -TimeoutSec 1
        ($checks | Where-Object Name -eq 'Public URL').Detail | Should -Match 'node.example.invalid'
        $checks.Area | Should -Not -Contain 'Config'
    }

    It 'fails each bad value of a readable config.json and goes on with the valid ones' {
        $config = Join-Path $script:testHome 'config.json'
        $model = Join-Path $script:testHome 'm.gguf'
        [IO.File]::WriteAllBytes($model, [byte[]](0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
        [ordered]@{
            schemaVersion = 1; apiPort = 99999; publicUrl = 'ftp://x'; hostAddress = '0xnothex'
            modelPath = $model; chain = @{ rpcUrl = 'not a url' }
        } | ConvertTo-Json | Set-Content $config

        $checks = Get-FabstirDiagnostics -TimeoutSec 1 -ErrorAction Stop
        $bad = @($checks | Where-Object Area -eq Config)
        $bad.Count | Should -Be 4
        $bad.Status | Sort-Object -Unique | Should -Be 'Fail'
        $checks[0].Area | Should -Be 'Config'
        ($bad | Where-Object Detail -match "^apiPort '99999'").Remedy | Should -Be 'Set-FabstirHostConfig -ApiPort 8080'
        ($bad | Where-Object Detail -match "^publicUrl .*ftp://x").Remedy | Should -Match '^Set-FabstirHostConfig -PublicUrl'
        ($bad | Where-Object Detail -match "^hostAddress '0xnothex'").Remedy | Should -Match '-Address'
        ($bad | Where-Object Detail -match "^chain.rpcUrl 'not a url'").Remedy | Should -Match '^Set-FabstirHostConfig -RpcUrl'
        $checks.Name | Should -Contain 'API port 8080/tcp'
        ($checks | Where-Object Name -eq 'Model file').Status | Should -Be 'Pass'
        ($checks | Where-Object Area -eq Chain)[0].Detail | Should -Match 'chain settings cannot be used.*-RpcUrl'
        Get-FabstirDiagnostics -TimeoutSec 1 -Quiet | Should -BeExactly $false
    }

    It 'refuses a config.json written by a newer module as the first check' {
        $config = Join-Path $script:testHome 'config.json'
        Set-Content $config '{ "schemaVersion": 99, "apiPort": 18125 }'
        $apiPort = Get-FreeTcpPort

        $checks = Get-FabstirDiagnostics -ApiPort $apiPort -TimeoutSec 1
        $checks[0].Area, $checks[0].Name, $checks[0].Status | Should -Be @('Config', 'Configuration file', 'Fail')
        $checks[0].Detail | Should -Match 'schemaVersion 99, newer than the 1 this FabstirHost module understands'
        $checks[0].Remedy | Should -Match '^Import-Module FabstirHost'
        $checks.Name | Should -Contain "API port $apiPort/tcp"
        { Get-FabstirHostConfig -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigSchemaTooNew,FabstirHost.Commands.GetFabstirHostConfigCommand'
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
            $check.Detail | Should -Match 'both reach fabstir-llm-node'
        }

        It 'fails the same-node check when the public URL reaches another node' {
            $check = Get-FabstirDiagnostics -Url $other.Url -ApiPort $node.ApiPort -TimeoutSec 2 |
                Where-Object Name -eq 'Same node'
            $check.Status | Should -Be 'Fail'
            $check.Detail | Should -Match 'the URL reaches another node'
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
        $text | Should -Match 'Skip\s+Chain\s+RPC reachable\s+no host address'
    }

    Context 'with a host registered on a local chain' {
        BeforeAll {
            Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
            $script:chain = Start-FabstirTestChain
            $script:registeredUrl = 'https://host.example:8443'
            # Model id = keccak256("repo/file"); the file name is what the node loads.
            $script:models = $chain.ApprovedModels | ForEach-Object {
                $repo, $file = $_ -split ':'
                [pscustomobject]@{ Id = (& $env:FABSTIR_TEST_CAST keccak "$repo/$file"); FileName = $file }
            }

            # Registered as the host would be, signed by anvil's unlocked dev account (no key handled).
            function Send-AsHost([string] $To, [string] $Signature) {
                $output = & $env:FABSTIR_TEST_CAST send --rpc-url $chain.RpcUrl --unlocked `
                    --from $chain.HostAddress $To $Signature @args 2>&1
                if ($LASTEXITCODE -ne 0) { throw "cast send $Signature failed: $output" }
            }

            $stake = '1000000000000000000000'
            Send-AsHost $chain.FabToken 'approve(address,uint256)' $chain.NodeRegistry $stake
            $ids = '[' + (($models | ForEach-Object Id) -join ',') + ']'
            Send-AsHost $chain.NodeRegistry 'registerNode(string,string,bytes32[],uint256,uint256)' `
                '{"hardware":"test"}' $registeredUrl $ids 3000000 5000
            foreach ($model in $models) {
                foreach ($token in '0x0000000000000000000000000000000000000000', $chain.UsdcToken) {
                    $setPrice = 'setModelTokenPricing(bytes32,address,uint256)'
                    Send-AsHost $chain.NodeRegistry $setPrice $model.Id $token 5000000
                }
            }
        }

        AfterAll {
            $script:chain | Stop-FabstirTestChain
        }

        BeforeEach {
            $model = Join-Path $script:testHome $models[1].FileName
            [IO.File]::WriteAllBytes($model, [byte[]](0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
            @{
                apiPort     = Get-FreeTcpPort
                publicUrl   = $registeredUrl
                modelPath   = $model
                hostAddress = $chain.HostAddress
                chain       = @{
                    chainId   = 84532
                    rpcUrl    = $chain.RpcUrl
                    contracts = @{
                        nodeRegistry  = $chain.NodeRegistry
                        modelRegistry = $chain.ModelRegistry
                        hostEarnings  = $chain.HostEarnings
                        fabToken      = $chain.FabToken
                        usdcToken     = $chain.UsdcToken
                    }
                }
            } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $script:testHome 'config.json')
        }

        It 'passes every chain check of a complete registration' {
            $checks = Get-FabstirDiagnostics -TimeoutSec 2 | Where-Object Area -eq Chain
            $expected = 'RPC reachable', 'Chain id', 'Contract code', 'Registered', 'On-chain URL',
                'Model registered', 'Prices set', 'ETH for gas'
            $checks.Name | Should -Be $expected
            $checks | ForEach-Object { "$($_.Name): $($_.Status) $($_.Detail)" | Should -Match ': Pass ' }
        }

        It 'fails the on-chain URL when the node moved, with the command that updates it' {
            $moved = 'https://moved.example:8443'
            $check = Get-FabstirDiagnostics -Url $moved -TimeoutSec 2 | Where-Object Name -eq 'On-chain URL'
            $check.Status | Should -Be 'Fail'
            $check.Detail | Should -Match ([regex]::Escape("sends clients to '$registeredUrl'"))
            $check.Remedy | Should -Be "Set-FabstirHost -Url '$moved'"
        }

        It 'runs the chain checks the parameters name when config.json is damaged' {
            Set-Content (Join-Path $script:testHome 'config.json') '{ "apiPort": "eighty", broken'
            $checks = Get-FabstirDiagnostics -TimeoutSec 2 -Address $chain.HostAddress -RpcUrl $chain.RpcUrl `
                -ChainId 84532 -NodeRegistryAddress $chain.NodeRegistry -ModelRegistryAddress $chain.ModelRegistry `
                -HostEarningsAddress $chain.HostEarnings -FabTokenAddress $chain.FabToken `
                -UsdcTokenAddress $chain.UsdcToken
            $checks[0].Status | Should -Be 'Fail'
            $chainChecks = $checks | Where-Object Area -eq Chain
            ($chainChecks | Where-Object Name -eq 'RPC reachable').Status | Should -Be 'Pass'
            ($chainChecks | Where-Object Name -eq 'Registered').Status | Should -Be 'Pass'
        }

        It 'checks another address given with -Address' {
            $checks = Get-FabstirDiagnostics -Address $chain.DeployerAddress -TimeoutSec 2 |
                Where-Object Area -eq Chain
            ($checks | Where-Object Name -eq 'Registered').Status | Should -Be 'Fail'
            ($checks | Where-Object Name -eq 'Registered').Remedy | Should -Be 'Register-FabstirHost'
        }
    }
}
