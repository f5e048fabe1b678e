using Numerics.Gpu;
using Numerics.Proximal;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics prox train --example laplace-1d --out M.lpn [--schedule default|notebook] [--steps N]
/// [--batch B] [--seed S]</c>: trains the paper's 1-D Laplacian model and saves it.
/// </summary>
/// <remarks>
/// <c>--device gpu</c> trains the Laplacian model with the same trainer (Adam, the projection and the
/// schedule on the host) and its passes on the device, in float64, through <see cref="GpuProximalNetwork{T}"/>;
/// the image example runs on the CPU only.
/// </remarks>
public sealed class ProxTrainCommand : ICliCommand
{
    /// <summary>The built-in training problems.</summary>
    public enum Example
    {
        /// <summary>x ~ Laplace(0, 1), y = x + N(0, 1): the learned prox should approach soft-thresholding at 1.</summary>
        Laplace1D,

        /// <summary>8×8 patches of the grey images of <c>--images</c> with noise σ = 0.1: <see cref="ImageDenoisingExample"/>.</summary>
        ImagePatches,
    }

    /// <summary>The schedules of the Laplacian example.</summary>
    public enum Schedule
    {
        /// <summary><see cref="LaplaceDenoisingExample.DefaultSchedule"/> on <see cref="LaplaceDenoisingExample.DefaultArchitecture"/>.</summary>
        Default,

        /// <summary><see cref="LaplaceDenoisingExample.NotebookSchedule"/>, the official 48k steps at batch 2000, on the official 50-wide, five-layer model.</summary>
        Notebook,
    }

    /// <summary>The words of <c>--example</c>.</summary>
    public static WordTable<Example> Examples { get; } = new(("laplace-1d", Example.Laplace1D), ("image-patches", Example.ImagePatches));

    /// <summary>The words of <c>--schedule</c>.</summary>
    public static WordTable<Schedule> Schedules { get; } = new(("default", Schedule.Default), ("notebook", Schedule.Notebook));

    /// <inheritdoc />
    public string Name => "train";

    /// <inheritdoc />
    public string Summary => "train a learned proximal network on a built-in example and save it";

    /// <inheritdoc />
    public string Usage => $"numerics prox train --example {Examples.Usage} --out M.lpn [--schedule {Schedules.Usage}] [--images I.npy] [--steps N] [--batch B] [--seed S]";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        if (Examples.Parse("example", args.Required("example")) == Example.ImagePatches)
        {
            if (context.Device == CliDevice.Gpu) throw new CliUsageException("--example image-patches trains on the CPU; use --device cpu");
            return TrainOnImages(context);
        }
        bool notebook = args.Word("schedule", Schedules) == Schedule.Notebook;
        var schedule = notebook ? LaplaceDenoisingExample.NotebookSchedule : LaplaceDenoisingExample.DefaultSchedule;
        var architecture = notebook ? LaplaceDenoisingExample.NotebookArchitecture : LaplaceDenoisingExample.DefaultArchitecture;
        int? steps = args.Optional("steps") is null ? null : args.Int("steps", 0, min: 1);
        int batch = args.Int("batch", notebook ? LaplaceDenoisingExample.NotebookBatchSize : LaplaceDenoisingExample.DefaultBatchSize, min: 1);
        args.Required("out");
        args.EnsureAllUsed();
        if (steps is { } total) schedule = LaplaceDenoisingExample.Rescale(schedule, total);
        var network = new LearnedProximalNetwork(architecture, context.Seed);
        var progress = new Progress(context, schedule.Sum(s => s.Steps));
        var options = LaplaceDenoisingExample.Options(schedule, context.Seed, batch) with { Progress = progress };
        ProximalTrainingResult result;
        string device = "cpu";
        if (context.Device == CliDevice.Gpu)
        {
            using var gpu = GpuDevice.Create();
            using var onDevice = new GpuProximalNetwork<double>(gpu, network);
            result = ProximalTrainer.Train(onDevice, new LaplaceSamples(), options);
            network = onDevice.ToHost();
            device = gpu.ToString();
        }
        else
        {
            result = ProximalTrainer.Train(network, new LaplaceSamples(), options);
        }
        context.Store(path => ProximalNetworkFile.Save(network, path));
        var grid = LaplaceDenoisingExample.Grid(-4, 4, 801);
        context.Summary(new Dictionary<string, object?>
        {
            ["example"] = "laplace-1d",
            ["steps"] = result.Steps,
            ["batch"] = batch,
            ["seconds"] = result.Seconds,
            ["ms_per_step"] = result.Steps == 0 ? null : 1000 * result.Seconds / result.Steps,
            ["loss"] = result.StageLosses[^1],
            ["max_distance_to_soft_threshold"] = LaplaceDenoisingExample.MaxDistanceToSoftThreshold(network, grid),
            ["status"] = result.Status.ToString(),
            ["device"] = device,
        });
        return 0;
    }

    /// <summary>The image example: a convolutional model on 8×8 patches of <c>--images</c> (2-D or a 3-D stack; 8-bit images scaled to [0, 1]).</summary>
    private static int TrainOnImages(CliContext context)
    {
        var args = context.Arguments;
        var (pixels, shape) = context.Load("images", Bilevel.DenoisingImages.Read).Value;
        int? steps = args.Optional("steps") is null ? null : args.Int("steps", 0, min: 1);
        int batch = args.Int("batch", ImageDenoisingExample.BatchSize, min: 1);
        args.Required("out");
        args.EnsureAllUsed();
        var architecture = ImageDenoisingExample.Architecture;
        if (shape.Height < architecture.ImageHeight || shape.Width < architecture.ImageWidth)
            throw new CliUsageException($"--images holds {shape.Height}×{shape.Width} images, smaller than the {architecture.ImageHeight}×{architecture.ImageWidth} patches");
        var schedule = steps is { } total ? LaplaceDenoisingExample.Rescale(ImageDenoisingExample.Schedule, total) : ImageDenoisingExample.Schedule;
        var progress = new Progress(context, schedule.Sum(s => s.Steps));
        var (network, result) = ImageDenoisingExample.Train(pixels, shape, context.Seed, schedule, batch, progress);
        context.Store(path => ProximalNetworkFile.Save(network, path));
        context.Summary(new Dictionary<string, object?>
        {
            ["example"] = "image-patches",
            ["images"] = shape.Count,
            ["steps"] = result.Steps,
            ["batch"] = batch,
            ["seconds"] = result.Seconds,
            ["ms_per_step"] = result.Steps == 0 ? null : 1000 * result.Seconds / result.Steps,
            ["loss"] = result.StageLosses[^1],
            ["status"] = result.Status.ToString(),
        });
        return 0;
    }

    /// <summary>A progress line every tenth of the schedule.</summary>
    private sealed class Progress(CliContext context, int total) : IProgress<Optimization.IterationProgress>
    {
        private readonly int _every = Math.Max(1, total / 10);

        public void Report(Optimization.IterationProgress value)
        {
            if (value.Iteration % _every == 0 || value.Iteration == total) context.Progress(value.Iteration, value.Objective, value.Residual);
        }
    }
}
