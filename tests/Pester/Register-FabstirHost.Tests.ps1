BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:errorSuffix = ',FabstirHost.Commands.RegisterFabstirHostCommand'
    $script:chain = Start-FabstirTestChain
    $script:chainParameters = @{
        RpcUrl               = $script:chain.RpcUrl
        NodeRegistryAddress  = $script:chain.NodeRegistry
        ModelRegistryAddress = $script:chain.ModelRegistry
        HostEarningsAddress  = $script:chain.HostEarnings
        FabTokenAddress      = $script:chain.FabToken
        UsdcTokenAddress     = $script:chain.UsdcToken
    }
    $script:servedModel = $script:chain.ApprovedModels[0]

    function Get-Nonce([string] $Address) {
        $body = @{ jsonrpc = '2.0'; id = 1; method = 'eth_getTransactionCount'; params = @($Address, 'pending') } |
            ConvertTo-Json -Compress
        [Convert]::ToInt64((Invoke-RestMethod $script:chain.RpcUrl -Method Post -Body $body -ContentType 'application/json').result, 16)
    }

    function New-SecureKey([string] $Key) { ConvertTo-SecureString $Key -AsPlainText -Force }

    # A model file named like the approved model, in the test home.
    function New-ServedModelFile($TestHome) {
        $path = Join-Path $TestHome.Home ($script:servedModel.Split(':')[1])
        [IO.File]::WriteAllBytes($path, [byte[]] (0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
        $path
    }
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Register-FabstirHost' {
    BeforeEach {
        $script:t = New-NodeTestHome
        $script:modelFile = New-ServedModelFile $script:t
        $script:url = "http://127.0.0.1:$($script:t.Port)"
        $script:common = @{
            Model      = $script:servedModel
            ModelPath  = $script:modelFile
            NodePath   = $script:t.Node
        } + $script:chainParameters
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    Context 'a real registration of the funded host' {
        It 'registers, starts the node, pipes into Test-FabstirEndpoint, reports Unchanged again, and leaks no key' {
            $key = $script:chain.HostKey
            $before = Get-Nonce $script:chain.HostAddress
            $DebugPreference = 'Continue'

            $streams = Register-FabstirHost -Url $url @common -PrivateKey (New-SecureKey $key) -Metadata @{ location = 'test' } -Verbose *>&1
            $registration = $streams | Where-Object { $_ -is [FabstirHost.Core.Chain.Registration.FabstirHostRegistration] }

            $registration.Status | Should -Be 'Registered'
            $registration.Address | Should -Be $script:chain.HostAddress
            $registration.Url | Should -Be $url
            $registration.Stake | Should -Be 1000
            @($registration.Transactions | ForEach-Object Function) |
                Should -Be @('approve', 'registerNode', 'setModelTokenPricing', 'setModelTokenPricing')
            $registration.Node.Status | Should -Be 'Ready'
            (Get-Nonce $script:chain.HostAddress) | Should -Be ($before + 4)
            ($registration | Test-FabstirEndpoint) | Should -BeTrue
            ($registration | Out-String) | Should -Match 'Registered'
            (Get-FabstirNode).Status | Should -Be 'Ready'

            $again = Register-FabstirHost -Url $url @common -PrivateKey (New-SecureKey $key) -Verbose 4>&1
            ($again | Where-Object { $_ -is [FabstirHost.Core.Chain.Registration.FabstirHostRegistration] }).Status |
                Should -Be 'Unchanged'
            ($again | Out-String) | Should -Match 'unchanged'
            (Get-Nonce $script:chain.HostAddress) | Should -Be ($before + 4)

            $bare = $key.Substring(2)
            ($streams | Out-String) | Should -Not -Match $bare
            ($registration, $registration.Node | Format-List * | Out-String -Width 500) | Should -Not -Match $bare
            foreach ($file in Get-ChildItem $t.Home -Recurse -File) {
                Get-Content $file.FullName -Raw | Should -Not -Match $bare
            }

            $nodeLog = Get-ChildItem (Join-Path $t.Home 'node/logs') -File | Get-Content -Raw
            $nodeLog | Should -Match 'Host private key loaded'
            (Get-Content "/proc/$($registration.Node.ProcessId)/environ" -Raw) -split "`0" |
                Should -Contain "HOST_PRIVATE_KEY=$key"
        }
    }

    Context 'receipts awaited to the confirmations asked for' {
        It 'stops after the approval when its confirmations do not come, and a re-run resumes from there' {
            # anvil's dev account 4: funded with ETH, given the FAB to stake, never registered.
            $key = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a'
            $address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'
            Invoke-TestCast $script:chain $script:chain.DeployerAddress $script:chain.FabToken 'mint(address,uint256)' `
                $address '1000000000000000000000'
            $before = Get-Nonce $address
            $parameters = @{ Url = $url; PrivateKey = (New-SecureKey $key); NoStart = $true } + $common

            $receipts = @{ Confirmations = 2; ReceiptTimeoutSec = 1 }
            $thrown = { Register-FabstirHost @parameters @receipts -ErrorAction Stop -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId ('TransactionReceiptTimeout' + $errorSuffix) -PassThru

            $thrown.Exception.Message | Should -Match 'FAB token\.approve transaction 0x[0-9a-f]{64} was sent but not confirmed 2 times'
            Get-Nonce $address | Should -Be ($before + 1)
            (Get-FabstirHost -Address $address @chainParameters).IsRegistered | Should -BeFalse

            $resumed = Register-FabstirHost @parameters -WarningAction SilentlyContinue

            @($resumed.Transactions | ForEach-Object Function) |
                Should -Be @('registerNode', 'setModelTokenPricing', 'setModelTokenPricing')
            Get-Nonce $address | Should -Be ($before + 4)
        }
    }

    Context 'a public URL nobody can reach' {
        It 'stops the node it started, sends nothing, and shows the checks to make' {
            $key = $script:chain.HostKey
            $before = Get-Nonce $script:chain.HostAddress
            $closedPort = Get-FreePortRange 1
            $closed = "http://127.0.0.1:$closedPort"

            $failure = $null
            try {
                Register-FabstirHost -Url $closed -Port $t.Port @common -PrivateKey (New-SecureKey $key) -ErrorAction Stop
            }
            catch {
                $failure = $_
            }

            $failure.FullyQualifiedErrorId | Should -Be ('PublicUrlUnreachable' + $errorSuffix)
            $failure.Exception.Message | Should -Match ([regex]::Escape("curl -s http://127.0.0.1:$($t.Port)/health"))
            $failure.Exception.Message | Should -Match 'From another machine'
            # The checks of this failure: the URL's closed port, not the node's own (it was running).
            $failure.Exception.Message | Should -Match "Ports/URL port $closedPort/tcp: nothing listens"
            $failure.Exception.Message | Should -Not -Match "API port $($t.Port)/tcp"
            $failure.Exception.Message | Should -Not -Match $key.Substring(2)
            (Get-FabstirNode).Status | Should -Be 'Stopped'
            Get-Nonce $script:chain.HostAddress | Should -Be $before
        }
    }

    Context 'bad input and faults send nothing' {
        BeforeEach {
            $script:bystander = $script:chain.DeployerKey
            $script:nonce = Get-Nonce $script:chain.DeployerAddress
            $script:hostNonce = Get-Nonce $script:chain.HostAddress
            $script:keyParameter = @{ PrivateKey = (New-SecureKey $script:chain.DeployerKey) }
        }

        AfterEach {
            # Some tests use the deployer's key and some the host's: neither may have sent anything.
            Get-Nonce $script:chain.DeployerAddress | Should -Be $script:nonce
            Get-Nonce $script:chain.HostAddress | Should -Be $script:hostNonce
            Test-Path (Join-Path $t.Home 'config.json') | Should -BeFalse
        }

        It 'refuses <Url>' -ForEach @(
            @{ Url = 'ftp://203.0.113.7:8080'; Id = 'InvalidPublicUrl' }
            @{ Url = 'http://203.0.113.7:8080/?key=1'; Id = 'InvalidPublicUrl' }
            @{ Url = 'http://203.0.113.7:8080/#x'; Id = 'InvalidPublicUrl' }
            @{ Url = 'http://me:pw@203.0.113.7:8080'; Id = 'InvalidPublicUrl' }
            @{ Url = 'https://node.example.com'; Id = 'PublicUrlPortMissing' }
        ) {
            { Register-FabstirHost -Url $Url @common @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ($Id + $errorSuffix)
        }

        It 'refuses a URL with a query, showing its parameter names but never their values' {
            $url = 'http://203.0.113.7:8080/?password=Hunter2Secret&user=op'
            $refusal = { Register-FabstirHost -Url $url @common @keyParameter -WhatIf -ErrorAction Stop } |
                Should -Throw -ErrorId ('InvalidPublicUrl' + $errorSuffix) -PassThru
            $refusal.Exception.Message | Should -Match ([regex]::Escape("'http://203.0.113.7:8080/?password=…&user=…'"))
            $refusal.Exception.Message | Should -Match 'it has a query\.'
            "$($refusal.Exception.Message) $($refusal.TargetObject)" | Should -Not -Match 'Hunter2Secret|=op'
        }

        It 'refuses the model string <Model>' -ForEach @(
            @{ Model = 'no-colon' }, @{ Model = ':file.gguf' }, @{ Model = 'repo:' }
        ) {
            $parameters = $common.Clone()
            $parameters.Model = $Model
            { Register-FabstirHost -Url $url @parameters @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ('InvalidModelSpec' + $errorSuffix)
        }

        It 'refuses an unapproved model and lists the approved ones' {
            $parameters = $common.Clone()
            $parameters.Model = $script:chain.UnknownModel
            $parameters.Force = $true
            { Register-FabstirHost -Url $url @parameters @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ('ModelNotApproved' + $errorSuffix) -ExpectedMessage "*$($script:chain.ApprovedModels[1])*"
        }

        It 'refuses a model the node would not load, unless forced' {
            $parameters = $common.Clone()
            $parameters.Model = @($script:servedModel, $script:chain.ApprovedModels[1])
            { Register-FabstirHost -Url $url @parameters @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ('ModelNotServed' + $errorSuffix) -ExpectedMessage '*cannot serve*'
        }

        It 'refuses two ways of giving one price' {
            { Register-FabstirHost -Url $url @common @keyParameter -GweiPerMillionTokens 5 -EthPerMillionTokens 1 -ErrorAction Stop } |
                Should -Throw -ErrorId ('ConflictingPriceParameters' + $errorSuffix)
        }

        It 'refuses a price outside the bounds and shows them' {
            { Register-FabstirHost -Url $url @common @keyParameter -UsdcPerMillionTokens 200000 -ErrorAction Stop } |
                Should -Throw -ErrorId ('PriceOutOfRange' + $errorSuffix) -ExpectedMessage '*USDC per million tokens (raw 100000000)*'
        }

        It 'refuses a host without the FAB to stake' {
            { Register-FabstirHost -Url $url @common @keyParameter -NoStart -ErrorAction Stop } |
                Should -Throw -ErrorId ('InsufficientStake' + $errorSuffix) -ExpectedMessage '*holds 0 FAB*1000 FAB*'
        }

        It 'refuses secret-looking metadata' {
            { Register-FabstirHost -Url $url @common @keyParameter -Metadata @{ apiKey = 'x' } -ErrorAction Stop } |
                Should -Throw -ErrorId ('MetadataSecretRefused' + $errorSuffix)
        }

        It 'refuses an RPC of another chain' {
            { Register-FabstirHost -Url $url @common @keyParameter -ChainId 8453 -ErrorAction Stop } |
                Should -Throw -ErrorId ('ChainIdMismatch' + $errorSuffix)
        }

        It 'says an RPC is unreachable' {
            $parameters = $common.Clone()
            $parameters.RpcUrl = "http://127.0.0.1:$(Get-FreePortRange 1)"
            { Register-FabstirHost -Url $url @parameters @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ('RpcUnreachable' + $errorSuffix)
        }

        It 'says a registry address has no contract' {
            $parameters = $common.Clone()
            $parameters.NodeRegistryAddress = '0x000000000000000000000000000000000000dEaD'
            { Register-FabstirHost -Url $url @parameters @keyParameter -ErrorAction Stop } |
                Should -Throw -ErrorId ('ContractCodeMissing' + $errorSuffix)
        }

        It 'refuses a wrong keystore password' {
            Import-FabstirWallet -PrivateKey (New-SecureKey $script:chain.DeployerKey) -KeystorePassword (New-SecureKey 'right-password') | Out-Null
            try {
                { Register-FabstirHost -Url $url @common -KeystorePassword (New-SecureKey 'wrong') -ErrorAction Stop } |
                    Should -Throw -ErrorId ('KeystorePasswordIncorrect' + $errorSuffix)
            }
            finally {
                Remove-Item (Join-Path $t.Home 'keystore.json')
            }
        }

        It 'drops a duplicate model with a warning' {
            $parameters = $common.Clone()
            $parameters.Model = @($script:servedModel, $script:servedModel)
            $hostKey = New-SecureKey $script:chain.HostKey
            Register-FabstirHost -Url $url @parameters -PrivateKey $hostKey -NoStart -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
            ($warnings -join "`n") | Should -Match 'given more than once; it is registered once'
        }

        It 'prints the whole plan of a first registration with gas and cost under -WhatIf, and changes nothing' {
            # anvil's dev account 3: funded with ETH, given the FAB to stake, never registered.
            $freshKey = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
            $freshAddress = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
            Invoke-TestCast $script:chain $script:chain.DeployerAddress $script:chain.FabToken 'mint(address,uint256)' `
                $freshAddress '1000000000000000000000'
            $script:nonce = Get-Nonce $script:chain.DeployerAddress
            $freshNonce = Get-Nonce $freshAddress

            $text = Get-WhatIfText {
                Register-FabstirHost -Url $url @common -PrivateKey (New-SecureKey $freshKey) -UsdcPerMillionTokens 3 -WhatIf
            }

            $text | Should -Match "Register host $freshAddress at $([regex]::Escape($url)) \(not registered yet: a new registration;"
            $text | Should -Match 'Node: start fabstir-llm-node'
            $text | Should -Match '1\. FAB token\.approve\(spender .*: \d+ gas \(estimated\), at most [0-9.]+ ETH'
            $text | Should -Match '2\. NodeRegistry\.registerNode\(metadata .*: about \d+ gas \(typical\), at most [0-9.]+ ETH'
            $text | Should -Match '3\. NodeRegistry\.setModelTokenPricing\(.*gas'
            $text | Should -Match '4\. NodeRegistry\.setModelTokenPricing\(.*3 USDC per million tokens'
            $text | Should -Match 'Total: 4 transaction\(s\), at most [0-9.]+ ETH for gas'
            Get-Nonce $freshAddress | Should -Be $freshNonce
            (Get-FabstirHost -Address $freshAddress @chainParameters).IsRegistered | Should -BeFalse
            (Get-FabstirNode).Status | Should -Be 'Stopped'
        }
    }
}
