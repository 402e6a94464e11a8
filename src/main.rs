fn main() {
    std::process::exit(rmpay::run(std::env::args_os()));
}
