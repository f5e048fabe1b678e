using Numerics.Mpi;

namespace Numerics.Core.Tests.Distributed;

public class MpiLaunchTests
{
    private static MpiLaunch Detect(params (string Name, string Value)[] variables) =>
        MpiLaunch.Detect(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void No_launcher_variables_mean_one_process_alone()
    {
        Assert.Equal(new MpiLaunch(MpiLauncher.None, 0, 1), Detect());
        Assert.Equal(new MpiLaunch(MpiLauncher.None, 0, 1), Detect(("PMI_RANK", "")));
    }

    [Fact]
    public void Hydra_pmi_variables_give_rank_and_size()
    {
        Assert.Equal(new MpiLaunch(MpiLauncher.Mpich, 3, 4), Detect(("PMI_RANK", "3"), ("PMI_SIZE", "4")));
        Assert.Equal(new MpiLaunch(MpiLauncher.Mpich, 0, 1), Detect(("PMI_RANK", "0"), ("PMI_SIZE", "1")));
    }

    [Fact]
    public void Open_mpi_is_recognised_even_when_it_also_exports_pmi_variables()
    {
        var launch = Detect(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2"), ("PMI_RANK", "1"), ("PMI_SIZE", "2"));
        Assert.Equal(MpiLauncher.OpenMpi, launch.Launcher);
        Assert.Equal((1, 2), (launch.Rank, launch.Size));
    }

    [Theory]
    [InlineData("PMI_RANK", "2", "2")]
    [InlineData("PMI_RANK", "-1", "2")]
    [InlineData("PMI_RANK", "one", "2")]
    [InlineData("PMI_RANK", null, "2")]
    [InlineData("PMI_SIZE", "0", "0")]
    [InlineData("PMI_SIZE", "0", null)]
    public void A_malformed_pmi_variable_is_refused_by_name(string culprit, string? rank, string? size)
    {
        var e = Assert.Throws<EnvironmentVariableException>(() => MpiLaunch.Detect(name => name switch
        {
            "PMI_RANK" => rank,
            "PMI_SIZE" => size,
            _ => null,
        }));
        Assert.Equal(culprit, e.Variable);
    }

    [Fact]
    public void Detect_rejects_a_null_lookup() =>
        Assert.Equal("variable", Assert.Throws<ArgumentNullException>(() => MpiLaunch.Detect(null!)).ParamName);
}
