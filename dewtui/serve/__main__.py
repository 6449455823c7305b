"""`python -m dewtui.serve`: the serve command on its own (the same as `dewtui serve`)."""
from dewtui.serve.command import serve_command

if __name__ == "__main__":
    serve_command(prog_name="dewtui serve")
