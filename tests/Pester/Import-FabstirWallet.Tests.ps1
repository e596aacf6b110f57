BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
    # anvil's public dev accounts 1 and 2: test keys only.
    $script:hostKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
    $script:hostAddress = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    $script:secondKey = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
    $script:secondAddress = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
    $script:password = ConvertTo-SecureString 'pester-password' -AsPlainText -Force
}

Describe 'Import-FabstirWallet' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME, Env:FABSTIR_HOST_PRIVATE_KEY, Env:HOST_PRIVATE_KEY -ErrorAction SilentlyContinue
    }

    It 'imports a SecureString key and leaves no plain key in the home folder' {
        $key = ConvertTo-SecureString $script:hostKey -AsPlainText -Force

        $keystore = Import-FabstirWallet -PrivateKey $key -KeystorePassword $script:password

        $keystore.Address | Should -Be $script:hostAddress
        $hex = $script:hostKey.Substring(2)
        foreach ($file in Get-ChildItem $script:testHome -Recurse -File) {
            Get-Content $file.FullName -Raw | Should -Not -Match $hex
        }
    }

    It 'imports from the environment, FABSTIR_HOST_PRIVATE_KEY first, replacing a keystore with -Force' {
        $passwordFile = Join-Path $script:testHome 'password.txt'
        Set-Content $passwordFile 'pester-password'
        Set-Content (Join-Path $script:testHome 'keystore.json') '{"address":"70997970c51812dc3a010c7d01b50e0d17dc79c8"}'
        $env:HOST_PRIVATE_KEY = $script:hostKey
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:secondKey

        $keystore = Import-FabstirWallet -FromEnvironment -KeystorePasswordFile $passwordFile -Force

        $keystore.Address | Should -Be $script:secondAddress
        (Get-Content $keystore.Path -Raw | ConvertFrom-Json).address | Should -Be $script:secondAddress.Substring(2).ToLowerInvariant()
    }

    It 'rejects a malformed key without repeating it' {
        $key = ConvertTo-SecureString '0xnot-a-key-but-a-secret-looking-text' -AsPlainText -Force

        $thrown = { Import-FabstirWallet -PrivateKey $key -KeystorePassword $script:password -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPrivateKey,FabstirHost.Commands.ImportFabstirWalletCommand' -PassThru
        $thrown.Exception.Message | Should -Not -Match 'secret-looking'
        Join-Path $script:testHome 'keystore.json' | Should -Not -Exist
    }

    It 'rejects a keystore password shorter than 8 characters' {
        $key = ConvertTo-SecureString $script:hostKey -AsPlainText -Force
        $short = ConvertTo-SecureString 'x' -AsPlainText -Force

        { Import-FabstirWallet -PrivateKey $key -KeystorePassword $short -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordTooShort,FabstirHost.Commands.ImportFabstirWalletCommand'
        Join-Path $script:testHome 'keystore.json' | Should -Not -Exist
    }

    It 'reports -FromEnvironment without a key variable' {
        { Import-FabstirWallet -FromEnvironment -KeystorePassword $script:password -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyNotFound,FabstirHost.Commands.ImportFabstirWalletCommand'
    }
}
